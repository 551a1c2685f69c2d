from django.urls import path

from . import portfolio_views, review_views

app_name = "facilitation"
urlpatterns = [
    path("<slug:slug>/report.csv", portfolio_views.report_csv, name="report_csv"),
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
