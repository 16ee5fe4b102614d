"""The production settings (tracker.settings, from the environment as deployed), with the one
difference a test needs: the collected static files go to a folder of the test's own
(TEST_STATIC_ROOT), not to the checkout's staticfiles/."""

import os

from tracker.settings import *  # noqa: F403

STATIC_ROOT = os.environ["TEST_STATIC_ROOT"]
