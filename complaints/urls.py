from django.urls import include, path

from complaints.views import attachments, case_export, case_list, cases, intake, saved_filters

app_name = "complaints"

urlpatterns = [
    path("", include("complaints.public.urls")),
    path("intake/", intake.intake_search, name="intake"),
    path("intake/new/", intake.intake_new_customer, name="intake_new"),
    path("intake/customers/<int:customer_id>/", intake.intake_for_customer, name="intake_customer"),
    path("cases/", case_list.case_list, name="list"),
    path("cases/reassign/", case_list.bulk_reassign, name="bulk_reassign"),
    path("cases/export.csv", case_export.export_cases, name="export"),
    path("cases/filters/", saved_filters.save_filter_view, name="save_filter"),
    path("cases/filters/<int:pk>/delete/", saved_filters.delete_filter_view, name="delete_filter"),
    path("cases/<str:reference>/", cases.complaint_detail, name="detail"),
    path("cases/<str:reference>/status/", cases.change_status_view, name="change_status"),
    path("cases/<str:reference>/waiting/", cases.waiting_view, name="waiting"),
    path("cases/<str:reference>/claim/", cases.claim_view, name="claim"),
    path("cases/<str:reference>/owner/", cases.owner_view, name="owner"),
    path("cases/<str:reference>/notes/", cases.note_view, name="note"),
    path("cases/<str:reference>/calls/", cases.call_view, name="call"),
    path("cases/<str:reference>/emails/", cases.email_view, name="email"),
    path("cases/<str:reference>/attachments/", attachments.attach_files, name="attach"),
    path("attachments/<int:pk>/", attachments.download_attachment, name="download"),
]
