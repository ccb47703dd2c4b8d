from django.urls import path

from resolutions.views import approvals, cases, customer

app_name = "resolutions"

urlpatterns = [
    path("cases/<str:reference>/resolve/", cases.resolve, name="resolve"),
    path("cases/<str:reference>/compensation/", cases.propose, name="propose"),
    path("cases/<str:reference>/options/", cases.send_options, name="send_options"),
    path("cases/<str:reference>/reopen/", cases.reopen, name="reopen"),
    path("compensation/<int:pk>/issue/", cases.issue, name="issue"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<int:pk>/", approvals.decide, name="decide"),
    path("choose/<str:token>/", customer.choose, name="choose"),
]
