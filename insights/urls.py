from django.urls import path

from insights.views import page, problems

app_name = "insights"

urlpatterns = [
    path("", page.insights_page, name="index"),
    path("export/<slug:table>.csv", page.export, name="export"),
    path("problems/", problems.problem_list, name="problems"),
    path("problems/new/", problems.problem_create, name="problem_create"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    path("problems/<int:pk>/link/", problems.problem_link, name="problem_link"),
    path("problems/<int:pk>/action/", problems.problem_action, name="problem_action"),
    path("lessons/", problems.lesson_list, name="lessons"),
    path("lessons/<int:pk>/link/", problems.lesson_link, name="lesson_link"),
]
