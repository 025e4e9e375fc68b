"""People to contact: one person's page, and who to contact at an organisation. Each is one query (a join with
the organisation), whatever the number of people."""

from ..models import Organisation, User
from ..paging import Page

# What a person's page and a contact row show: never the password, sessions or e-mail settings.
SHOWN = (
    User.id,
    User.name,
    User.email,
    User.role,
    User.active,
    User.job_title,
    User.work_phone,
    User.show_email,
    User.show_phone,
)


def person(person_id):
    """The person with their organisation's name and slug, or None."""
    found = User.select(*SHOWN, Organisation.id, Organisation.name, Organisation.slug).join(Organisation)
    return found.where(User.id == person_id).first()


def contacts(organisation, number, size):
    """A page of the organisation's active people, by name, with what they chose to show."""
    query = User.select(*SHOWN).where((User.organisation == organisation.id) & (User.active == True))
    return Page.of(query.order_by(User.name, User.id), number, size)
