from django.urls import path

from followups.views import customer, staff

app_name = "followups"

urlpatterns = [
    path("survey/<str:token>/", customer.survey, name="survey"),
    path("unsubscribe/<str:token>/", customer.unsubscribe, name="unsubscribe"),
    path("calls/", staff.calls_due_list, name="calls"),
    path("calls/<int:pk>/", staff.call, name="call"),
    path("failed/", staff.failed_list, name="failed"),
    path("<int:pk>/retry/", staff.retry, name="retry"),
]
