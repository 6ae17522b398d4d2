from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")), Length(min=12, max=200, message=_l("Use 12 to 200 characters."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")), EqualTo("new", message=_l("The two new passwords differ."))])


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=[
        SelectChoice("fees", _l("Fee table")), SelectChoice("rates", _l("Reference exchange rates")),
        SelectChoice("rpw", _l("World Bank RPW survey rows"))], default="fees")
    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])


class ProviderForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    website = StringField(_l("Website"), validators=[Optional(), URL(message=_l("Enter a full address, https://…")),
                                                     Length(max=300)])
    licence_note = TextAreaField(_l("Regulator or licence note"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active (shown in comparisons)"))


class ApiKeyForm(FlaskForm):
    name = StringField(_l("Partner name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    scope = SelectField(_l("Scope"), choices=[SelectChoice("read", _l("read")), SelectChoice("import", _l("import")),
                                               SelectChoice("ledger", _l("season ledger")),
                                               SelectChoice("collect", _l("price collection"))])
    # The saved groups, as (id, name) choices, are set by the view.
    groups = SelectMultipleField(_l("Saved groups it may read and record"), coerce=int, choices=[],
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def validate_groups(self, field):
        if field.data and self.scope.data != "ledger":
            raise ValidationError(_l("Only a season-ledger key is tied to groups: untick them, or choose that scope."))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice("staff", _l("staff")), SelectChoice("admin", _l("admin"))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a new password.")), Length(min=12, max=200, message=_l("Use 12 to 200 characters."))])
