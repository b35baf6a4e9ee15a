from django.urls import path

from tenants.users import views

urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("login/code", views.login_code, name="login-code"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("profile/", views.profile, name="profile"),
    path("profile/two-factor", views.two_factor, name="two-factor"),
    path("profile/password", views.PasswordChangeView.as_view(), name="password-change"),
    path("profile/logout-everywhere", views.logout_everywhere, name="logout-everywhere"),
]
