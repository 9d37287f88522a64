"""Authentication backends that load the person's profile with the account, in the same
query: every page shows the display the person asked for (larger type, easy language —
`core.context_processors`) without a query more per request."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _WithProfile:
    def get_user(self, user_id):
        user = get_user_model().objects.select_related("profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(_WithProfile, AllauthBackend):
    pass
