import factory
from django.utils import timezone

from tickets.models import Category, Priority, Status, Ticket


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    title = factory.Sequence(lambda n: f"Ticket number {n}")
    description = factory.Faker("paragraph")
    category = factory.Iterator(Category.values)
    priority = factory.Iterator(Priority.values)
    status = Status.OPEN
    created_at = factory.LazyFunction(timezone.now)
