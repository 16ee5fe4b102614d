"""The admin app, with the tracker's admin site (two-factor login) as its default site.

Kept apart from tracker.admin_site: app configs load before the models, which the site imports.
"""

from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"
