"""The admin site: a password login watched by the lockout, plus an authenticator code if set up.

Staff who have a confirmed TOTP device (django-otp; added in the admin under "TOTP devices")
must enter its current code with their password. With settings.ADMIN_2FA_REQUIRED, every staff
member must. A wrong code counts as a failed login for the lockout (django-axes), like a wrong
password, so the code cannot be guessed either.
"""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin


class StaffAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin login form with django-otp's fields: device (when there are several), code."""

    otp_device = forms.CharField(required=False, widget=forms.Select)
    otp_token = forms.CharField(
        required=False,
        label=_("Authenticator code"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    # Filled only by the template's "challenge" button, for devices that send codes.
    otp_challenge = forms.CharField(required=False)

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _(
            "Two-factor authentication is on for this account: "
            "enter the code your authenticator app shows."
        ),
        "invalid_token": _("That authenticator code is wrong or has expired."),
    }
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "device_missing": _(
            "This site requires two-factor authentication and your account has no "
            "authenticator yet. Ask an administrator to set one up for you."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()  # the password, checked through the lockout backend
        user = self.get_user()
        if user_has_device(user):
            self._clean_code(user)
        elif settings.ADMIN_2FA_REQUIRED:
            raise ValidationError(self.error_messages["device_missing"], code="device_missing")
        return cleaned_data

    def _clean_code(self, user):
        if not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user))
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        try:
            self.clean_otp(user)  # sets user.otp_device, which django_otp stores at login
        except ValidationError:
            if self.cleaned_data.get("otp_token"):  # a code was tried, and it did not let them in
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": user.get_username()},
                    request=self.request,
                )
            raise

    def _update_form(self, user):
        """Offer the user's devices; unlike django-otp, never write the password into the page."""
        self.fields["otp_device"].widget.choices = self.device_choices(user)


class TrackerAdminSite(AdminSite):
    login_form = StaffAuthenticationForm
    # django-otp's admin login page: the admin's own, plus the device and code fields.
    login_template = "otp/admin111/login.html"

    def has_permission(self, request):
        """Staff with an authenticator must have used it in this session, as must everyone when
        two-factor authentication is required."""
        if not super().has_permission(request):
            return False
        if request.user.is_verified():
            return True
        return not (settings.ADMIN_2FA_REQUIRED or user_has_device(request.user))
