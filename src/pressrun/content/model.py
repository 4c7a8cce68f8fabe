"""The publication as plain, frozen data: publication, parts, profiles, blocks and contacts.

Every field is declared once here with `declare`: `convert` validates YAML against these
declarations, the catalogs take the fields that have a translator comment, and
`pressrun reference` prints them for the README. No I/O here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from ..errors import Origin
from .schema import Country, Email, Language, Phone, Slug, TaggedUnion, Text, Url, declare, origin_field

# --- blocks -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    yaml_name: ClassVar[str] = "paragraph"
    shorthand: ClassVar[str] = "text"
    text: Text = declare("One paragraph of inline text.", translate="paragraph")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class ListItem:
    yaml_name: ClassVar[str] = "list item"
    shorthand: ClassVar[str] = "text"
    text: Text = declare("The item's inline text.", translate="bullet list item")
    items: tuple[ListItem, ...] = declare("A nested list under this item.", default=())
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class BulletList:
    yaml_name: ClassVar[str] = "list"
    list_field: ClassVar[str] = "items"
    items: tuple[ListItem, ...] = declare("The list's items: text, or `{text, items}` to nest a list.")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class LeadItem:
    yaml_name: ClassVar[str] = "lead item"
    lead: Text = declare("The bold lead-in, with its final punctuation.", translate="list item, bold lead-in")
    text: Text = declare("The text after the lead-in.", translate="list item, text after the bold lead-in")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class LeadList:
    yaml_name: ClassVar[str] = "leads"
    list_field: ClassVar[str] = "items"
    items: tuple[LeadItem, ...] = declare("Items with a bold lead-in: `{lead, text}`.")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    yaml_name: ClassVar[str] = "timeline entry"
    year: int = declare("The year of the event.")
    text: Text = declare("What happened that year.", translate="timeline entry")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class Timeline:
    yaml_name: ClassVar[str] = "timeline"
    list_field: ClassVar[str] = "entries"
    entries: tuple[TimelineEntry, ...] = declare("Dated entries `{year, text}`, in order.")
    origin: Origin = origin_field()

    def validate(self) -> list[str]:
        years = [entry.year for entry in self.entries]
        return [] if years == sorted(years) else ["timeline entries must be in chronological order"]


@dataclass(frozen=True, kw_only=True)
class Attribution:
    yaml_name: ClassVar[str] = "attribution"
    title: Text | None = declare(
        "The title printed before the name: `Mayor`, `Dr`, `Ms`.",
        default=None,
        translate="quote, the person's title before the name (Mr, Ms, Dr, Mayor)",
    )
    name: Text | None = declare(
        "The person quoted, without a title.", default=None, translate="quote, attribution name"
    )
    role: Text | None = declare("The person's role or organisation.", default=None, translate="quote, attribution role")
    source: Text | None = declare(
        "A document or body quoted, instead of a person.", default=None, translate="quote, attribution source"
    )
    origin: Origin = origin_field()

    def validate(self) -> list[str]:
        if not (self.name or self.role or self.source):
            return ["an attribution needs a name, a role or a source"]
        if self.source and (self.name or self.role):
            return ["an attribution has either a source or a name and role, not both"]
        if self.title and not self.name:
            return ["an attribution's title goes with a name"]
        return []


@dataclass(frozen=True, kw_only=True)
class Quote:
    yaml_name: ClassVar[str] = "quote"
    paragraphs: tuple[Text, ...] = declare(
        "The quoted paragraphs, without their enclosing quotation marks.", translate="quotation"
    )
    attribution: Attribution | None = declare("Who or what is quoted.", default=None)
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class PullQuote(Quote):
    yaml_name: ClassVar[str] = "pullquote"


class Block(TaggedUnion):
    """A paragraph (plain text) or one of the tagged blocks."""

    plain = Paragraph
    members = {
        "list": BulletList,
        "leads": LeadList,
        "timeline": Timeline,
        "quote": Quote,
        "pullquote": PullQuote,
    }


# --- contacts -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Website:
    yaml_name: ClassVar[str] = "website"
    url: Url = declare("The address, with its scheme (https://…).")
    label: Text | None = declare(
        "Text printed for the link instead of the address.", default=None, translate="link text"
    )
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class PhoneNumber:
    yaml_name: ClassVar[str] = "phone"
    number: Phone = declare("The number as printed, in international form (+41 22 …).")
    kind: Literal["phone", "fax"] = declare("`phone` or `fax`.", default="phone")
    label: Text | None = declare("What the number is for, when printed.", default=None, translate="phone number label")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class EmailAddress:
    yaml_name: ClassVar[str] = "email"
    address: Email = declare("The email address.")
    label: Text | None = declare("What the address is for, when printed.", default=None, translate="email label")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class SocialHandle:
    yaml_name: ClassVar[str] = "social handle"
    handle: str = declare("The handle as printed, e.g. `@MayorsMigration`.")
    network: Literal["twitter", "facebook", "instagram", "linkedin", "youtube", "mastodon"] = declare(
        "The network the handle belongs to.", default="twitter"
    )
    origin: Origin = origin_field()

    def validate(self) -> list[str]:
        return (
            []
            if self.handle.startswith("@") and " " not in self.handle
            else [f"handle {self.handle!r} must start with @"]
        )


@dataclass(frozen=True, kw_only=True)
class Address:
    yaml_name: ClassVar[str] = "address"
    lines: tuple[Text, ...] = declare("The postal lines, without the country.", translate="postal address line")
    country: Country = declare(
        "ISO 3166-1 alpha-2 code; the layouts print the country's name in the edition's language."
    )
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class PersonName:
    yaml_name: ClassVar[str] = "person name"
    shorthand: ClassVar[str] = "name"
    title: Text | None = declare(
        "The title printed before the name: `Dr`, `Ms`, `Mayor`.",
        default=None,
        translate="contact person, title before the name (Mr, Ms, Dr, Mayor)",
    )
    name: str = declare("The name as the person writes it, without a title (never translated).")
    origin: Origin = origin_field()

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True)
class Person:
    yaml_name: ClassVar[str] = "person"
    role: Text | None = declare("The role, e.g. `Executive Director`.", default=None, translate="contact person, role")
    names: tuple[PersonName, ...] = declare(
        "One or more names sharing the role: a name, or `{title, name}` for a name with a title.", default=()
    )
    detail: Text | None = declare(
        "Text printed after the names, e.g. a job title.",
        default=None,
        translate="contact person, job title after the name",
    )
    email: Email | None = declare("The person's email address.", default=None)
    phone: Phone | None = declare("The person's phone number.", default=None)
    website: Url | None = declare("A page about the person.", default=None)
    origin: Origin = origin_field()

    def validate(self) -> list[str]:
        return [] if (self.role or self.names) else ["a person needs a role or names"]


@dataclass(frozen=True, kw_only=True)
class Contacts:
    yaml_name: ClassVar[str] = "contacts"
    websites: tuple[Website, ...] = declare("Web sites, in printed order.", default=())
    phones: tuple[PhoneNumber, ...] = declare("Phone and fax numbers.", default=())
    emails: tuple[EmailAddress, ...] = declare("Email addresses.", default=())
    social: tuple[SocialHandle, ...] = declare("Social media handles.", default=())
    address: Address | None = declare("The postal address.", default=None)
    people: tuple[Person, ...] = declare("Contact people.", default=())
    notes: tuple[Text, ...] = declare(
        "Any other line printed in the contact block.", default=(), translate="contact block note"
    )
    origin: Origin = origin_field()


# --- profiles -----------------------------------------------------------------------------

# Where a profile stands in the yearly cycle: its organisation is asked to update it when an
# edition starts, its answer is received, and it approves the proof.
ProfileStatus = Literal["awaiting-update", "received", "approved"]
AWAITING, RECEIVED, APPROVED = get_args(ProfileStatus)


@dataclass(frozen=True, kw_only=True)
class OtherName:
    yaml_name: ClassVar[str] = "other name"
    name: str = declare("An alternative official name (never translated).")
    lang: Language = declare("The language of that name (ISO 639-1).")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class Section:
    yaml_name: ClassVar[str] = "section"
    kind: Literal["vision", "mission", "objectives", "projects", "heading"] = declare(
        "`vision`, `mission`, `objectives` (principal objectives), `projects` (key projects), "
        "or `heading` for a heading of its own."
    )
    title: Text | None = declare("The heading, only with kind `heading`.", default=None, translate="section heading")
    blocks: tuple[Block, ...] = declare("The section's blocks.")
    origin: Origin = origin_field()

    def validate(self) -> list[str]:
        if self.kind == "heading" and not self.title:
            return ["a section of kind 'heading' needs a title"]
        if self.kind != "heading" and self.title:
            return [f"a section of kind {self.kind!r} takes its heading from the layout; remove 'title'"]
        return []


@dataclass(frozen=True, kw_only=True)
class Profile:
    yaml_name: ClassVar[str] = "profile"
    name: Text = declare("The organisation's name.", translate="organisation name")
    acronym: Text | None = declare("Its acronym, e.g. `UCLG`.", default=None, translate="organisation acronym")
    subtitle: Text | None = declare(
        "A descriptor printed after the name, e.g. `Europe Office`.",
        default=None,
        translate="organisation name, descriptor",
    )
    other_names: tuple[OtherName, ...] = declare("Alternative official names, e.g. a French name.", default=())
    intro: tuple[Block, ...] = declare("The introduction: blocks before the first section.")
    sections: tuple[Section, ...] = declare("The sections, in printed order.", default=())
    wordmark: Text | None = declare("Text of a logo printed as an image.", default=None, translate="logo text")
    footnotes: dict[Slug, Text] = declare(
        "Footnotes by id; the text calls them with `[^id]`.", default=None, translate="footnote"
    )
    contacts: Contacts = declare("The contact block.")
    status: ProfileStatus = declare(
        "Where the organisation's update stands: `awaiting-update` (a new edition was started), `received` "
        "(its answer was imported) or `approved` (it approved its proof); without it, `approved`.",
        default="approved",
        editorial=True,
    )
    changed: datetime.date | None = declare(
        "The date of the profile's last change (YYYY-MM-DD), set by `pressrun edition start`, "
        "`pressrun intake import` and `pressrun edition approve`.",
        default=None,
        editorial=True,
    )
    id: str = declare("The file name without `.yaml` (set by the loader).", default="")
    origin: Origin = origin_field()

    @property
    def anchor(self) -> str:
        """The profile's anchor in every layout (its first page, its contents entry)."""
        return f"profile-{self.id}"


@dataclass(frozen=True)
class OrderedPart:
    """A part with its profiles in the order an edition prints them."""

    part: Part
    profiles: tuple[Profile, ...]

    @property
    def id(self) -> str:
        return self.part.id

    @property
    def title(self) -> Text:
        return self.part.title

    @property
    def anchor(self) -> str:
        return self.part.anchor


# --- publication --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Place:
    yaml_name: ClassVar[str] = "place"
    city: Text = declare("The city.", translate="event city")
    country: Country = declare("ISO 3166-1 alpha-2 code.")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class Event:
    yaml_name: ClassVar[str] = "event"
    name: Text = declare("The event the edition is published for.", translate="event name")
    date: datetime.date = declare("The event's date (YYYY-MM-DD); the layouts format it per language.")
    place: Place = declare("Where it takes place.")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class Publisher:
    yaml_name: ClassVar[str] = "publisher"
    name: Text = declare("The publisher's name.", translate="publisher name")
    contacts: Contacts = declare("Address and contacts.")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class Imprint:
    yaml_name: ClassVar[str] = "imprint"
    copyright_holder: Text = declare(
        "Who holds the copyright; the layouts print “© holder, year” with the edition's year.",
        translate="imprint, copyright holder (printed as “© holder, year”)",
    )
    permissions: tuple[Text, ...] = declare(
        "What readers may do with the publication.", translate="imprint, permissions"
    )
    citation_author: Text = declare(
        "Who the publication is cited as; the layouts print the citation “author, *title*, year, place.” "
        "with the edition's title and year.",
        translate="imprint, the author in the citation “author, title, year, place.”",
    )
    citation_place: Text = declare(
        "The place of publication, last in the citation.",
        translate="imprint, the place of publication in the citation “author, title, year, place.”",
    )
    photo_credits: Text | None = declare("Who owns the photographs.", default=None, translate="imprint, photo credits")
    design_credit: Text = declare("Who designed the publication.", translate="imprint, design credit")
    disclaimers: tuple[Text, ...] = declare("Disclaimers.", translate="imprint, disclaimer")
    origin: Origin = origin_field()


@dataclass(frozen=True, kw_only=True)
class Part:
    yaml_name: ClassVar[str] = "part"
    id: Slug = declare("A short id for the part.")
    title: Text = declare("The part's title.", translate="part title")
    order: Literal["fixed", "alphabetical"] = declare(
        "`fixed`: profiles in the listed order; `alphabetical`: sorted by their name in each language."
    )
    profiles: tuple[Slug, ...] = declare("The ids of the part's profiles.")
    origin: Origin = origin_field()

    @property
    def anchor(self) -> str:
        """The part's anchor in every layout (its opening page, its contents entry)."""
        return f"part-{self.id}"


@dataclass(frozen=True, kw_only=True)
class Publication:
    yaml_name: ClassVar[str] = "publication"
    title: Text = declare("The full title.", translate="publication title")
    subtitle: Text | None = declare(
        "The cover's display line, printed with the year; a line break marks where the line breaks.",
        default=None,
        translate="publication subtitle, the cover's display line; a line break marks where the cover breaks it",
    )
    cover_words: tuple[Text, ...] = declare("Words set around the cover title.", default=(), translate="cover word")
    year: int = declare("The edition's year.")
    language: Language = declare("The language the content is written in.")
    event: Event = declare("The event the edition accompanies.")
    preface_title: Text = declare("The preface's heading.", translate="preface heading")
    preface: tuple[Text, ...] = declare("The preface's paragraphs.", translate="preface paragraph")
    imprint: Imprint = declare("The imprint page.")
    publisher: Publisher = declare("The publisher.")
    parts: tuple[Part, ...] = declare("The parts, in order.")
    origin: Origin = origin_field()

    def validate(self) -> list[str]:
        if self.event.date.year != self.year:
            return [
                f"the event's date {self.event.date.isoformat()} is not in the edition's year {self.year}; "
                "`pressrun edition start YEAR --date YYYY-MM-DD` moves both"
            ]
        return []


@dataclass(frozen=True, kw_only=True)
class Book:
    """The whole publication as the content gives it: its front matter and every profile, by id."""

    publication: Publication
    profiles: dict[str, Profile]
