from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.attention, name="attention"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
