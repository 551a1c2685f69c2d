from django.urls import path

from . import portfolio_views, review_views, views

app_name = "structures"
urlpatterns = [
    path("<slug:slug>/", views.structure_detail, name="detail"),
    path("<slug:slug>/roles/new/", views.role_new, name="role_new"),
    path("<slug:slug>/report.csv", portfolio_views.report_csv, name="report_csv"),
    path("<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path(
        "<slug:slug>/members/<int:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    # reviews by the platform's facilitator, and their follow-up
    path("<slug:slug>/reviews/", review_views.review_list, name="reviews"),
    path("<slug:slug>/reviews/new/", review_views.review_new, name="review_new"),
    path("<slug:slug>/reviews/<int:review_id>/", review_views.review_detail, name="review"),
    path("<slug:slug>/reviews/<int:review_id>/edit/", review_views.review_edit, name="review_edit"),
    path(
        "<slug:slug>/recommendations/<int:recommendation_id>/follow-up/",
        review_views.recommendation_follow_up,
        name="recommendation_follow_up",
    ),
]
