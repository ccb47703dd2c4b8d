from django.contrib import admin
from django.urls import include, path

from complaints import views as complaint_views
from portal.health import health

admin.site.site_header = "Redress administration"
admin.site.site_title = "Redress admin"

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", complaint_views.home, name="home"),
    path("", include("complaints.urls")),
    path("", include("resolutions.urls")),
    path("followups/", include("followups.urls")),
    path("mail/", include("outbox.urls")),
    path("insights/", include("insights.urls")),
]

handler400 = "accounts.views.bad_request"
handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
