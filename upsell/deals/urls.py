from django.urls import path

from upsell.deals.views import board, coaching, conversion, field, objections

app_name = "deals"
urlpatterns = [
    path("conversion/", conversion.conversion_page, name="conversion"),
    path("conversion.xlsx", conversion.conversion_export, name="conversion_export"),
    path("stuck/", conversion.stuck_page, name="stuck"),
    path("settings/", conversion.closing_settings_page, name="closing_settings"),
    path("coaching/", coaching.coaching_list_page, name="coaching_list"),
    path("coaching/new/", coaching.coaching_create_page, name="coaching_create"),
    path("coaching/<int:period_id>/", coaching.coaching_detail_page, name="coaching_detail"),
    path("coaching/<int:period_id>/edit/", coaching.coaching_edit_page, name="coaching_edit"),
    path("coaching/<int:period_id>/notes/", coaching.coaching_note_page, name="coaching_note"),
    path("coaching/<int:period_id>/join/", coaching.coaching_join_page, name="coaching_join"),
    path("", board.deal_board, name="board"),
    path("board.xlsx", board.board_export, name="export"),
    path("new/", board.deal_create, name="create"),
    path("<int:deal_id>/", board.deal_detail, name="detail"),
    path("<int:deal_id>/move/", board.deal_move_page, name="move"),
    path("<int:deal_id>/edit/", board.deal_edit_page, name="edit"),
    path("<int:deal_id>/link/", board.deal_link_page, name="link"),
    path("clients/<int:client_id>/", board.client_section, name="client_section"),
    path(
        "clients/<int:client_id>/from-forecast/<str:month>/",
        board.deal_from_cell,
        name="from_cell",
    ),
    path("lost-reasons/", board.lost_reasons_page, name="lost_reasons"),
    path("lost-reasons/<int:reason_id>/", board.lost_reason_change_page, name="lost_reason_change"),
    path("<int:deal_id>/objections/", objections.objection_log_page, name="objection_log"),
    path(
        "objections/<int:objection_id>/outcome/",
        objections.objection_outcome_page,
        name="objection_outcome",
    ),
    path("answers/", objections.answer_library_page, name="answers"),
    path("answers/<int:answer_id>/", objections.answer_change_page, name="answer_change"),
    path("calendar/", field.calendar_page, name="calendar"),
    path("calendar/feed/", field.calendar_feed_renew_page, name="calendar_feed_renew"),
    path("calendar/<str:secret>.ics", field.calendar_feed, name="calendar_feed"),
    path("clients/<int:client_id>/activities/", field.client_activities, name="client_activities"),
    path("clients/<int:client_id>/activities/new/", field.activity_plan_page, name="activity_plan"),
    path("activities/<int:activity_id>/", field.activity_page, name="activity"),
    path("activities/<int:activity_id>/edit/", field.activity_edit_page, name="activity_edit"),
    path("activities/<int:activity_id>/hold/", field.activity_hold_page, name="activity_hold"),
    path(
        "activities/<int:activity_id>/cancel/", field.activity_cancel_page, name="activity_cancel"
    ),
]
