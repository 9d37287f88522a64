from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.stages import EmailVerificationStage


class GuidedAwareEmailVerificationStage(EmailVerificationStage):
    """Guided accounts have no e-mail address to verify: a professional registered them in
    person, with recorded consent. Everyone else verifies as usual."""

    def handle(self):
        user = self.login.user
        if user is not None and getattr(user, "is_guided", False) and not user.email:
            self.login.email_verification = EmailVerificationMethod.NONE
        return super().handle()
