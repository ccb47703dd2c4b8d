from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("cases/<str:reference>/", views.complaint_detail, name="detail"),
]
