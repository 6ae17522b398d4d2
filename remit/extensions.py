"""Extensions are created unbound here and bound to an app in create_app()."""
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

from flask_limiter import Limiter  # noqa: E402
from flask_limiter.util import get_remote_address  # noqa: E402
from flask_smorest import Api  # noqa: E402

api = Api()
# Counted per client address unless a limit names its own key (the API counts per key: api/keys.py).
limiter = Limiter(key_func=get_remote_address)

from flask_babel import Babel  # noqa: E402

babel = Babel()

from flask_login import LoginManager  # noqa: E402
from flask_talisman import Talisman  # noqa: E402

login_manager = LoginManager()
talisman = Talisman()

from flask_compress import Compress  # noqa: E402

compress = Compress()

from flask_wtf.csrf import CSRFProtect  # noqa: E402

csrf = CSRFProtect()
