from django.urls import path

from . import views

app_name = "venues"

urlpatterns = [
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/<slug:slug>/", views.venue_detail, name="venue_detail"),
    path("venues/<slug:slug>/book/", views.book, name="book"),
    path("venues/<slug:slug>/waitlist/", views.waitlist_join, name="waitlist_join"),
    path("venues/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("waitlist/<str:token>/", views.waitlist_entry, name="waitlist_entry"),
    path("bookings/", views.booking_lookup, name="booking_lookup"),
    path("bookings/find/", views.find_bookings, name="find_bookings"),
    path("bookings/find/code/", views.find_code, name="find_code"),
    path("bookings/mine/", views.my_bookings, name="my_bookings"),
    path("bookings/<str:reference>/", views.booking_status, name="booking_status"),
    path("bookings/<str:reference>/booking.ics", views.booking_ics, name="booking_ics"),
    path("bookings/<str:reference>/check-in-code.svg", views.booking_qr, name="booking_qr"),
]
