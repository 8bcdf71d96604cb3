from django.urls import path

from . import public_views, views

app_name = "party"

urlpatterns = [
    path("party/overdue/", views.overdue_list, name="overdue"),
    path("wishes/", public_views.wall, name="wishes"),
    path("wishes/new/", public_views.new_wish, name="new_wish"),
    path("wishes/<int:pk>/", public_views.wish_detail, name="wish"),
    path("wishes/<int:pk>/confirm/", public_views.wish_confirm, name="wish_confirm"),
]
