from django.urls import include, path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", include("complaints.public.urls")),
    path("cases/<str:reference>/", views.complaint_detail, name="detail"),
]
