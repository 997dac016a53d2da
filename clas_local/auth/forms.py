from __future__ import annotations

from clas_local.forms import Form
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from clas_local.auth.passwords import password_problem

REQUIRED = "Ce champ est obligatoire."


class LoginForm(Form):
    # `autocomplete` names what a field is about the user, so that the browser fills it in
    # (RGAA 11.13, WCAG 1.3.5).
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Rester connecté sur cet appareil")


class ForgottenPasswordForm(Form):
    email = EmailField(
        "Adresse e-mail de votre compte",
        validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide."), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(Form):
    """Choosing a password, from an invitation link or the account page."""

    password = PasswordField(
        "Nouveau mot de passe",
        description="Au moins 12 caractères. Une phrase de passe est plus facile à retenir.",
        validators=[DataRequired(REQUIRED), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[DataRequired(REQUIRED), EqualTo("password", "Les deux mots de passe ne sont pas identiques.")],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self._email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})


class ProfileForm(Form):
    full_name = StringField("Nom et prénom", validators=[Length(max=200)], render_kw={"autocomplete": "name"})
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide.")],
                       render_kw={"autocomplete": "email"})
