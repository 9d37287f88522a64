from django.urls import path

from .views import (
    activities,
    budget,
    initiatives,
    members,
    news,
    printed,
    support,
    tasks,
    time_account,
)

app_name = "initiatives"

INITIATIVE = "<buurt:slug>/initiatieven/<int:initiative_id>/"
TASK = INITIATIVE + "taken/<int:task_id>/"
INVITATION = "<buurt:slug>/taak-uitnodigingen/<int:invitation_id>/"
ACTIVITY = "<buurt:slug>/activiteiten/<int:activity_id>/"

urlpatterns = [
    path("<buurt:slug>/initiatieven/", initiatives.initiatives, name="list"),
    path("<buurt:slug>/initiatieven/nieuw/", initiatives.initiative_new, name="new"),
    path(INITIATIVE, initiatives.initiative_detail, name="detail"),
    path(INITIATIVE + "wijzigen/", initiatives.initiative_edit, name="edit"),
    path(INITIATIVE + "sluiten/", initiatives.initiative_close, name="close"),
    path(INITIATIVE + "foto/", initiatives.initiative_photo, name="initiative_photo"),
    path(INITIATIVE + "flyer/", printed.initiative_flyer, name="flyer"),
    path(ACTIVITY + "flyer/", printed.activity_flyer, name="activity_flyer"),
    path("<buurt:slug>/agenda/", printed.agenda, name="agenda"),
    # The people in it.
    path(INITIATIVE + "meedoen/", members.ask, name="ask"),
    path(INITIATIVE + "verlaten/", members.leave, name="leave"),
    path(INITIATIVE + "mensen/<int:involvement_id>/toelaten/", members.accept, name="accept"),
    path(INITIATIVE + "mensen/<int:involvement_id>/afwijzen/", members.decline, name="decline"),
    path(
        INITIATIVE + "mensen/<int:involvement_id>/eigenaar/", members.make_owner, name="make_owner"
    ),
    path(INITIATIVE + "mensen/<int:involvement_id>/lid/", members.make_member, name="make_member"),
    # Tasks and roles.
    path(INITIATIVE + "taken/nieuw/", tasks.task_add, name="task_add"),
    path(TASK + "oppakken/", tasks.task_take, name="task_take"),
    path(TASK + "teruggeven/", tasks.task_release, name="task_release"),
    path(TASK + "wie/", tasks.task_helpers, name="task_helpers"),
    path(TASK + "uitnodigen/", tasks.task_invite, name="task_invite"),
    path(INVITATION, tasks.task_invitation, name="invitation"),
    path(INVITATION + "ja/", tasks.invitation_accept, name="invitation_accept"),
    path(INVITATION + "nee/", tasks.invitation_decline, name="invitation_decline"),
    # Activities.
    path(INITIATIVE + "activiteiten/nieuw/", activities.activity_add, name="activity_add"),
    path(
        INITIATIVE + "activiteiten/<int:activity_id>/afzeggen/",
        activities.activity_cancel,
        name="activity_cancel",
    ),
    path(ACTIVITY + "aanmelden/", activities.sign_up, name="sign_up"),
    path(ACTIVITY + "afmelden/", activities.sign_up_cancel, name="sign_up_cancel"),
    path(INITIATIVE + "agenda.ics", activities.calendar_initiative, name="calendar"),
    path("<buurt:slug>/agenda.ics", activities.calendar_neighbourhood, name="calendar_all"),
    # News, support, the residents' budget, the time account.
    path(INITIATIVE + "nieuws/", news.update_add, name="update_add"),
    path(INITIATIVE + "fotos/<int:update_id>/", news.update_photo, name="photo"),
    path(INITIATIVE + "rugdekking/", support.support_add, name="support_add"),
    path(INITIATIVE + "budget/nieuw/", budget.budget_add, name="budget_add"),
    path(INITIATIVE + "budget/<int:budget_id>/stand/", budget.budget_status, name="budget_status"),
    path(INITIATIVE + "tijd/geven/", time_account.time_donate, name="time_donate"),
    path(INITIATIVE + "tijd/bedanken/", time_account.time_give, name="time_give"),
]
