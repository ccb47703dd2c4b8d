from django.urls import path

from complaints.public import views

app_name = "public"

urlpatterns = [
    path("complain/", views.complaint_form, name="complain"),
    path("complain/received/<str:token>/", views.received, name="received"),
    path("my-complaint/new-link/", views.new_link, name="new_link"),
    path("my-complaint/<str:reference>/<str:token>/", views.status_page, name="status"),
]
