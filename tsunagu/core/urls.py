from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from tsunagu.core import views
from tsunagu.core.forms import LoginForm

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="core/login.html",
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="core/password_change.html", success_url="/password/done/"),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password-change-done",
    ),
]
