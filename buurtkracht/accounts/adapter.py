from allauth.account.adapter import DefaultAccountAdapter

_DEFAULT_STAGE = "allauth.account.stages.EmailVerificationStage"
_OUR_STAGE = "buurtkracht.accounts.stages.GuidedAwareEmailVerificationStage"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = getattr(request, "LANGUAGE_CODE", user.language)
        if commit:
            user.save()
        return user

    def get_login_stages(self) -> list[str]:
        return [_OUR_STAGE if s == _DEFAULT_STAGE else s for s in super().get_login_stages()]
