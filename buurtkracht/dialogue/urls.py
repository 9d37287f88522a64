from django.urls import path

from . import views

app_name = "dialogue"

D = "<buurt:slug>/dialoog/<int:dialogue_id>"
S = "<buurt:slug>/verhalen/<int:story_id>"
R = "<buurt:slug>/reflecties"

urlpatterns = [
    path("<buurt:slug>/dialoog/", views.dialogue_list, name="list"),
    path("<buurt:slug>/dialoog/nieuw/", views.dialogue_new, name="new"),
    path("<buurt:slug>/dialoog/mijn-woorden/", views.quotes, name="quotes"),
    path(f"{D}/", views.dialogue_detail, name="detail"),
    path(f"{D}/veranderen/", views.dialogue_edit, name="edit"),
    path(f"{D}/afzeggen/", views.dialogue_cancel, name="cancel"),
    path(f"{D}/aanmelden/", views.dialogue_join, name="join"),
    path(f"{D}/afmelden/", views.dialogue_leave, name="leave"),
    path(f"{D}/uitnodigen/", views.dialogue_invite, name="invite"),
    path(f"{D}/iedereen-uitnodigen/", views.dialogue_invite_everyone, name="invite_everyone"),
    path(f"{D}/oogst/", views.harvest, name="harvest"),
    path(f"{D}/oogst/<int:item_id>/weg/", views.harvest_remove, name="harvest_remove"),
    path(f"{D}/actie/<int:item_id>/initiatief/", views.action_initiative, name="action_initiative"),
    path(f"{D}/actie/<int:item_id>/taak/", views.action_task, name="action_task"),
    path("<buurt:slug>/verhalen/", views.stories, name="stories"),
    path("<buurt:slug>/verhalen/nieuw/", views.story_new, name="story_new"),
    path("<buurt:slug>/verhalen/opschrijven/", views.story_write_for, name="story_write_for"),
    path("<buurt:slug>/verhalen/mijn/", views.my_stories, name="my_stories"),
    path(f"{S}/", views.story_detail, name="story"),
    path(f"{S}/foto/", views.story_photo, name="story_photo"),
    path(f"{S}/goedkeuren/", views.story_approve, name="story_approve"),
    path(f"{S}/delen/", views.story_share, name="story_share"),
    path(f"{S}/terugnemen/", views.story_withdraw, name="story_withdraw"),
    path(f"{R}/", views.reflections, name="reflections"),
    path(f"{R}/nieuw/", views.reflection_new, name="reflection_new"),
    path(f"{R}/<int:reflection_id>/", views.reflection_detail, name="reflection"),
    path(f"{R}/<int:reflection_id>/weg/", views.reflection_delete, name="reflection_delete"),
    path("<buurt:slug>/principes/", views.principles, name="principles"),
    path("<buurt:slug>/principes/<str:code>/", views.principle, name="principle"),
]
