"""Pages of lists of any size, for the public listings and the admin's change lists."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from tracker.figures import cached_count


class IndexPaginator(Paginator):
    """Pages whose rows are found by primary key first, so late pages stay cheap.

    A page after the first selects its primary keys in a subquery that the database answers
    from an index on the list's order alone (e.g. the public people's (name, id)), then reads
    those rows; a page in the second half of the list counts from the end, in reverse order.
    No page reads more than half of that index, and the last page costs what the first does.
    The list's order must be total (the primary key breaks ties), or pages could overlap.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if number == 1:
            rows = rows[bottom:top]
        elif bottom <= self.count - top:
            rows = rows.filter(pk__in=rows[bottom:top].values("pk"))
        else:
            from_end = rows.reverse()[self.count - top : self.count - bottom]
            rows = rows.filter(pk__in=from_end.values("pk"))
        return self._get_page(rows, number, self)


class CachedCountPaginator(IndexPaginator):
    """For public listings: the number of results is cached a short while (tracker.figures)."""

    @cached_property
    def count(self):
        return cached_count(self.object_list)
