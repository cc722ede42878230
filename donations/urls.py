from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("lets-chat/", views.EnquiryView.as_view(), name="enquiry"),
    path("lets-chat/thank-you/", views.ThanksView.as_view(), name="thanks"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
]
