from __future__ import annotations

from clas_local.forms import Form
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from clas_local.auth.passwords import password_problem

REQUIRED = "Ce champ est obligatoire."


class LoginForm(Form):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=1024)])
    remember = BooleanField("Rester connecté sur cet appareil")


class ForgottenPasswordForm(Form):
    email = EmailField(
        "Adresse e-mail de votre compte",
        validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide."), Length(max=254)],
    )


class NewPasswordForm(Form):
    """Choosing a password, from an invitation link or the account page."""

    password = PasswordField(
        "Nouveau mot de passe",
        description="Au moins 12 caractères. Une phrase de passe est plus facile à retenir.",
        validators=[DataRequired(REQUIRED), Length(max=1024)],
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[DataRequired(REQUIRED), EqualTo("password", "Les deux mots de passe ne sont pas identiques.")],
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self._email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])


class ProfileForm(Form):
    full_name = StringField("Nom et prénom", validators=[Length(max=200)])
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide.")])
