"""Residency policies: YAML files validated by pydantic models, and the pure judge.

A policy names country groups, says per identifier category where data may go, lists exceptions
(registrable domains and/or ASNs with the legal basis that covers them), and says what happens to
identifiers sent in cleartext and to destinations whose country is unknown, and what happens to a
request that could not be fully inspected. ``judge`` turns (hits, what could not be inspected,
destination, transport, policy) into a verdict without any I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .durations import parse_duration
from .model import (
    CATEGORIES,
    CATEGORY_OF,
    UNKNOWN_COUNTRY,
    Category,
    Destination,
    Hit,
    JudgedAction,
    Judgement,
    RuleHit,
)
from .shipped import policy_path
from .yamlconf import FieldPathError, load_model

Action = Literal["log", "block"]
TransferAction = Literal["log", "block", "redact"]
"""``redact``: the identifiers are replaced in flight by same-format fakes and the request is forwarded."""
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class _PolicyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CountryGroup(_PolicyModel):
    """A named set of countries, e.g. the EEA or the EU's adequacy list."""

    description: str | None = None
    countries: list[str] = Field(min_length=1, description="ISO 3166-1 alpha-2 codes or names of other groups")
    scope: dict[str, str] = Field(
        default_factory=dict,
        description="per-country notes on the limits of the decision (e.g. CA: commercial organisations under PIPEDA)",
    )


class CategoryRule(_PolicyModel):
    """Where one category of identifiers may go, and what to do when it goes elsewhere."""

    allow: list[str] = Field(default_factory=list, description="countries or group names")
    deny: list[str] = Field(
        default_factory=list,
        description="countries or group names; when given (and 'allow' is empty) every other country is allowed",
    )
    action: TransferAction = "block"
    fallback: Action = Field(
        default="block", description="what 'redact' does when a redaction cannot be done safely (hash, signature)"
    )
    reason: str | None = Field(default=None, description="shown in events and the 451 answer")

    @model_validator(mode="after")
    def _allow_or_deny(self) -> CategoryRule:
        if self.allow and self.deny:
            raise FieldPathError(("deny",), "give either 'allow' (allow-list) or 'deny' (deny-list), not both")
        return self


class ExceptionRule(_PolicyModel):
    """A destination allowed despite its country, with the legal basis that covers it."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    domains: list[str] = Field(default_factory=list, description="registrable domains (e.g. hmdglobal.com)")
    asns: list[int] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="limit to these countries (empty: any)")
    categories: list[Literal["device", "subscriber", "online", "location"]] = Field(
        default_factory=list, description="limit to these categories (empty: all)"
    )
    legal_basis: str = Field(min_length=3, description="e.g. 'GDPR Art. 46(2)(c) standard contractual clauses'")

    @model_validator(mode="after")
    def _needs_a_selector(self) -> ExceptionRule:
        if not self.domains and not self.asns:
            raise ValueError("an exception needs at least one of 'domains' or 'asns'")
        return self


class CleartextRule(_PolicyModel):
    """Identifiers sent without TLS: readable by every network on the way, whatever the destination."""

    enabled: bool = True
    action: Action = "log"
    reason: str = "identifiers sent over plain HTTP"


class UnknownCountryRule(_PolicyModel):
    """What to do when no geo source knows the destination's country."""

    action: Literal["allow", "log", "block"] = "log"
    reason: str = "destination country unknown"


class UninspectedRule(_PolicyModel):
    """A request that could not be fully inspected (a limit, an undecodable body, an unknown encoding),
    sent where an identifier would be blocked: ``log`` forwards it (fail open), ``block`` answers 451
    (fail closed). Destinations where an identifier would be allowed or only logged are not concerned."""

    action: Action = "log"
    reason: str = "request could not be fully inspected"


class RefuseRule(_PolicyModel):
    """Destinations refused outright, at connection time, before a byte of payload is sent.

    This is what stops pinned or otherwise undecryptable traffic, whose content can never be judged.
    """

    countries: list[str] = Field(default_factory=list, description="countries or group names")
    not_in: list[str] = Field(
        default_factory=list, description="refuse every known country outside these (countries or group names)"
    )
    domains: list[str] = Field(default_factory=list, description="registrable domains (matched on SNI or host)")
    asns: list[int] = Field(default_factory=list)
    unknown_country: bool = Field(default=False, description="also refuse destinations of unknown country")
    reason: str = "destination refused by policy before any data was sent"


class VolumeRule(_PolicyModel):
    """A threshold on how many distinct subjects' identifiers reached a group of countries in a window.

    Some rules cannot be judged per request: 28 CFR 202 restricts *bulk* transfers, more than 100 000
    US persons' identifiers (1 000 devices' precise geolocation) over the preceding 12 months. Each
    request carrying a selected identifier to one of ``countries`` adds its subject to the rule's count
    (``volume``: kept by this guard, or shared by the fleet through ``--db``); once the count is above
    ``threshold`` the rule fires with ``action``. A blocked request adds nothing: it was not sent.
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    categories: list[Category] = Field(default_factory=list, description="identifier categories counted")
    types: list[str] = Field(
        default_factory=list, description="identifier types counted (with or instead of categories)"
    )
    countries: list[str] = Field(min_length=1, description="destination countries or group names")
    distinct: Literal["device"] = Field(
        default="device",
        description="what is counted: devices, each by the fingerprint of its most stable identifier in the request",
    )
    window: str = Field(description="how far back a subject counts, e.g. 365d (s, m, h, d, w)")
    threshold: int = Field(ge=0, description="the rule fires once more than this many distinct subjects are counted")
    action: Action = "block"
    reason: str | None = Field(default=None, description="shown in events and the 451 answer")
    legal_basis: str | None = Field(default=None, description="the provision the threshold comes from")

    @field_validator("window")
    @classmethod
    def _window_is_a_duration(cls, window: str) -> str:
        parse_duration(window)
        return window

    @field_validator("types")
    @classmethod
    def _known_types(cls, types: list[str]) -> list[str]:
        for j, t in enumerate(types):
            if t not in CATEGORY_OF:
                raise FieldPathError((j,), f"{t!r} is not an identifier type ({', '.join(CATEGORY_OF)})")
        return types

    @model_validator(mode="after")
    def _selects_something(self) -> VolumeRule:
        if not self.categories and not self.types:
            raise ValueError("a volume rule needs 'categories' or 'types' to say which identifiers it counts")
        return self

    @property
    def window_seconds(self) -> float:
        return parse_duration(self.window).total_seconds()

    def counted_types(self, hits: Sequence[Hit]) -> tuple[str, ...]:
        """The types of ``hits`` this rule counts, in order of appearance."""
        out: list[str] = []
        for hit in hits:
            if (hit.type in self.types or hit.category in self.categories) and hit.type not in out:
                out.append(hit.type)
        return tuple(out)


class Policy(_PolicyModel):
    name: str = Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
    description: str | None = None
    country_groups: dict[str, CountryGroup] = Field(default_factory=dict)
    default: CategoryRule = Field(description="rule for categories not listed under 'categories'")
    categories: dict[Literal["device", "subscriber", "online", "location"], CategoryRule] = Field(default_factory=dict)
    exceptions: list[ExceptionRule] = Field(default_factory=list)
    cleartext: CleartextRule = Field(default_factory=CleartextRule)
    unknown_country: UnknownCountryRule = Field(default_factory=UnknownCountryRule)
    uninspected: UninspectedRule = Field(default_factory=UninspectedRule)
    refuse: RefuseRule = Field(default_factory=RefuseRule)
    volume: list[VolumeRule] = Field(
        default_factory=list, description="thresholds on distinct subjects over a window (counted across requests)"
    )

    @field_validator("country_groups")
    @classmethod
    def _group_names(cls, groups: dict[str, CountryGroup]) -> dict[str, CountryGroup]:
        for name in groups:
            if _COUNTRY.match(name):
                raise ValueError(f"group name {name!r} looks like a country code; use a longer name")
        return groups

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        # Resolving here (not at judge time) is what makes a typo in a group name a start-up error.
        for gname, group in self.country_groups.items():
            self._expand(group.countries, ("country_groups", gname, "countries"), seen=(gname,))
        for cat, rule in [("default", self.default), *self.categories.items()]:
            where = ("default",) if cat == "default" else ("categories", cat)
            self._expand(rule.allow, (*where, "allow"))
            self._expand(rule.deny, (*where, "deny"))
        for i, exc in enumerate(self.exceptions):
            self._expand(exc.countries, ("exceptions", i, "countries"))
        self._expand(self.refuse.countries, ("refuse", "countries"))
        self._expand(self.refuse.not_in, ("refuse", "not_in"))
        names = set()
        for i, vol in enumerate(self.volume):
            self._expand(vol.countries, ("volume", i, "countries"))
            if vol.name in names:
                raise FieldPathError(("volume", i, "name"), f"two volume rules are named {vol.name!r}")
            names.add(vol.name)
        return self

    def _expand(self, items: Sequence[str], where: tuple[str | int, ...], seen: tuple[str, ...] = ()) -> frozenset[str]:
        out: set[str] = set()
        for j, item in enumerate(items):
            if item in self.country_groups:
                if item in seen:
                    raise FieldPathError((*where, j), f"group {item!r} includes itself")
                inner = ("country_groups", item, "countries")
                out |= self._expand(self.country_groups[item].countries, inner, (*seen, item))
            elif _COUNTRY.match(item):
                out.add(item)
            else:
                raise FieldPathError((*where, j), f"{item!r} is neither an ISO country code nor a group name")
        return frozenset(out)

    def country_filter(self, category: Category) -> tuple[bool, frozenset[str]]:
        """(is_deny_list, countries) for one category."""
        rule = self.rule_for(category)
        if rule.deny:
            return True, self._expand(rule.deny, ("deny",))
        return False, self._expand(rule.allow, ("allow",))

    def rule_for(self, category: Category) -> CategoryRule:
        return self.categories.get(category, self.default)


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """A validated policy with what it was loaded from, and its allow-lists resolved once."""

    policy: Policy
    file: Path | None
    sha256: str | None
    filters: dict[Category, tuple[bool, frozenset[str]]]
    refused_countries: frozenset[str]
    refused_outside: frozenset[str] | None

    @property
    def name(self) -> str:
        return self.policy.name

    @classmethod
    def of(cls, policy: Policy, file: Path | None = None, sha256: str | None = None) -> LoadedPolicy:
        filters = {cat: policy.country_filter(cat) for cat in CATEGORIES}
        refused = policy._expand(policy.refuse.countries, ("refuse", "countries"))
        outside = policy._expand(policy.refuse.not_in, ("refuse", "not_in")) if policy.refuse.not_in else None
        return cls(policy, file, sha256, filters, refused, outside)

    def permits(self, category: Category, country: str) -> bool:
        is_deny_list, countries = self.filters[category]
        return (country in countries) != is_deny_list


def load_policy(path: Path | str) -> LoadedPolicy:
    """Read and validate a policy file (or a shipped policy named ``lab-strict``); a ConfigError names the
    file, the field, the line and the reason."""
    path = policy_path(path)
    policy, raw, _ = load_model(path, Policy, "policy")
    return LoadedPolicy.of(policy, Path(path), hashlib.sha256(raw).hexdigest())


# ---------------------------------------------------------------------------------------------- judge


def judge(
    hits: Sequence[Hit],
    destination: Destination,
    tls: bool,
    policy: LoadedPolicy,
    uninspected: Sequence[str] = (),
) -> Judgement:
    """Decide whether sending ``hits`` to ``destination`` breaches ``policy``. Pure.

    Each category of the hits is checked against its allow-list; a category that is not allowed may be
    rescued by an exception matching the destination's registrable domain or ASN (recorded with its
    legal basis). Identifiers in cleartext and unknown destination countries have their own rules.
    ``uninspected`` lists the kinds of what could not be inspected (``Extraction.uninspected``); the
    ``uninspected`` rule applies to them where ``uninspected_rule`` says.
    """
    rules = _transfer_rules(hits, destination, tls, policy) if hits else []
    if uninspected and (rule := uninspected_rule(uninspected, destination, tls, policy)) is not None:
        rules.append(rule)
    if not rules:
        return Judgement("allowed", "logged")
    return _judgement(rules)


def uninspected_rule(
    causes: Sequence[str], destination: Destination, tls: bool, policy: LoadedPolicy
) -> RuleHit | None:
    """The ``uninspected`` rule for a request whose ``causes`` (limit and decoder kinds) kept part of it
    from being read, or None where that cannot matter. Pure.

    Failing closed means treating the unread part as if it held an identifier. So the rule applies
    exactly where an identifier would be a violation that the policy *blocks* (``may_block``):

    - device, subscriber, online, location: the destination's country is not allowed for the
      category (allow-list, or on its deny-list), no exception covers that category at that domain,
      ASN and country, and the category's rule blocks;
    - a destination of unknown country, when ``unknown_country`` blocks (whatever the category);
    - plain HTTP, when the ``cleartext`` rule is enabled and blocks (whatever the destination).

    Where every identifier would be allowed, or its violation only logged, the policy already lets an
    identifier through, so an unread part cannot make things worse: the rule does not fire there (the
    event still says the request was not fully inspected). It never blocks where ``may_block`` is
    False, which keeps ``may_block``'s promise to the forward-then-judge path.
    """
    if not causes or not may_block(destination, tls, policy):
        return None
    return uninspected_hit(causes, policy)


def uninspected_hit(causes: Sequence[str], policy: LoadedPolicy) -> RuleHit:
    """The ``uninspected`` rule's hit, naming ``causes``; where it applies is the caller's to say. Pure."""
    rule = policy.policy.uninspected
    return RuleHit("uninspected", "violation", rule.action, f"{rule.reason} ({', '.join(causes)})")


def _transfer_rules(hits: Sequence[Hit], destination: Destination, tls: bool, policy: LoadedPolicy) -> list[RuleHit]:
    """The rules the identifiers themselves fire: per category, unknown country, cleartext."""
    p = policy.policy
    rules: list[RuleHit] = []
    types_by_category: dict[Category, list[str]] = {}
    for hit in hits:
        types = types_by_category.setdefault(CATEGORY_OF[hit.type], [])
        if hit.type not in types:
            types.append(hit.type)

    country = destination.country
    if country == UNKNOWN_COUNTRY:
        if p.unknown_country.action != "allow":
            all_types = tuple(t for ts in types_by_category.values() for t in ts)
            rules.append(
                RuleHit("unknown_country", "violation", p.unknown_country.action, p.unknown_country.reason, all_types)
            )
    else:
        for category, types in types_by_category.items():
            if policy.permits(category, country):
                continue
            exception = _matching_exception(p.exceptions, destination, category)
            if exception is not None:
                rules.append(
                    RuleHit(
                        f"exception.{exception.name}",
                        "exception",
                        "log",
                        f"{category} identifiers to {country} allowed by exception '{exception.name}'",
                        tuple(types),
                        exception.legal_basis,
                    )
                )
                continue
            rule = p.rule_for(category)
            reason = rule.reason or f"{category} identifiers may not be sent to {country}"
            fallback = rule.fallback if rule.action == "redact" else None
            rules.append(
                RuleHit(f"transfer.{category}", "violation", rule.action, reason, tuple(types), None, fallback)
            )

    if not tls and p.cleartext.enabled:
        all_types = tuple(t for ts in types_by_category.values() for t in ts)
        rules.append(RuleHit("cleartext", "violation", p.cleartext.action, p.cleartext.reason, all_types))
    return rules


def _judgement(rules: Sequence[RuleHit]) -> Judgement:
    """The verdict and action of the rules that fired: a block wins, then a redaction, else a log."""
    violations = [r for r in rules if r.outcome == "violation"]
    verdict: Literal["allowed", "violation"] = "violation" if violations else "allowed"
    actions = {r.action for r in violations}
    action: JudgedAction = "blocked" if "block" in actions else "redacted" if "redact" in actions else "logged"
    return Judgement(verdict, action, tuple(rules))


def fall_back(judgement: Judgement, reason: str) -> Judgement:
    """``judgement`` with every ``redact`` rule turned into its fallback, saying why. Pure."""
    rules = [
        replace(r, action=r.fallback or "block", fallback_reason=reason) if r.action == "redact" else r
        for r in judgement.rules
    ]
    return _judgement(rules)


def may_block(destination: Destination, tls: bool, policy: LoadedPolicy) -> bool:
    """Whether any identifiers at all, sent to ``destination``, could get a request blocked (or redacted,
    which changes it as much). Pure.

    False means the judgement cannot change what happens to the request, so it may be forwarded
    before it is judged. For every set of hits, and whatever could not be inspected,
    ``judge(...).action != "logged"`` implies this is True (the ``uninspected`` rule fires only where it is).
    """
    p = policy.policy
    if not tls and p.cleartext.enabled and p.cleartext.action == "block":
        return True
    if destination.country == UNKNOWN_COUNTRY:
        return p.unknown_country.action == "block"
    for category in CATEGORIES:
        if policy.permits(category, destination.country) or p.rule_for(category).action == "log":
            continue
        if _matching_exception(p.exceptions, destination, category) is None:
            return True
    return False


def judge_connection(destination: Destination, sni: str | None, policy: LoadedPolicy) -> RuleHit | None:
    """The rule that refuses a connection to ``destination`` outright, or None. Pure.

    Only the policy's ``refuse`` section applies here: at connection time nothing of the payload is
    known, so the per-category rules cannot be judged yet.
    """
    refuse = policy.policy.refuse
    country = destination.country
    if country == UNKNOWN_COUNTRY:
        hit = refuse.unknown_country
    else:
        outside = policy.refused_outside
        hit = country in policy.refused_countries or (outside is not None and country not in outside)
    hit = hit or any(refuses_name(n, policy) for n in (sni, destination.host) if n)
    hit = hit or (destination.asn is not None and destination.asn in refuse.asns)
    if not hit:
        return None
    return RuleHit("refuse", "violation", "block", f"{refuse.reason} ({country})", ())


def refuses_name(name: str, policy: LoadedPolicy) -> bool:
    """Whether the policy refuses connections to this host name (it is in ``refuse.domains``)."""
    return any(_host_in_domain(name, d) for d in policy.policy.refuse.domains)


def _matching_exception(exceptions: Sequence[ExceptionRule], dest: Destination, category: str) -> ExceptionRule | None:
    for exc in exceptions:
        if exc.categories and category not in exc.categories:
            continue
        if exc.countries and dest.country not in exc.countries:
            continue
        by_domain = any(_host_in_domain(dest.host, d) for d in exc.domains)
        by_asn = dest.asn is not None and dest.asn in exc.asns
        if by_domain or by_asn:
            return exc
    return None


def _host_in_domain(host: str, domain: str) -> bool:
    host = host.lower().rstrip(".")
    domain = domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def judge_query(
    hits: Sequence[Hit], destination: Destination, policy: LoadedPolicy, uninspected: Sequence[str] = ()
) -> Judgement:
    """Decide a DNS query whose name carries ``hits``. Pure.

    Where a query's data ends up is unknowable: the phone's resolver passes the name up a chain of
    resolvers to the name servers of the queried domain, which may be anywhere. The query is judged as
    a cleartext transfer to ``destination`` (the queried name and its registrable domain, with the
    country the locate stage gave it: ``unknown`` unless something maps it), so ``unknown_country`` and
    ``cleartext`` decide it; and a name under ``refuse.domains`` is refused outright, as a connection to
    it would be. A query without identifiers is never judged here: a lookup alone sends nothing, unless
    part of its name could not be read (``uninspected``, as in ``judge``: a label past a limit or whose
    decoding failed), where the ``uninspected`` rule applies as it would to a request.
    """
    judgement = judge(hits, destination, False, policy, uninspected)
    if not hits or not refuses_name(destination.host, policy):
        return judgement
    types = tuple(dict.fromkeys(h.type for h in hits))
    refused = RuleHit("refuse", "violation", "block", policy.policy.refuse.reason, types)
    return Judgement("violation", "blocked", (*judgement.rules, refused))


# ---------------------------------------------------------------------------------------------- volume


@dataclass(frozen=True, slots=True)
class VolumeScope:
    """A volume rule with its countries resolved; ``key`` names its counter (shared by every guard)."""

    rule: VolumeRule
    countries: frozenset[str]
    key: str

    def counts(self, hits: Sequence[Hit], destination: Destination) -> tuple[str, ...]:
        """The identifier types of this request the rule counts; empty when it does not apply."""
        if destination.country not in self.countries:
            return ()
        return self.rule.counted_types(hits)


def volume_scopes(policy: LoadedPolicy) -> tuple[VolumeScope, ...]:
    p = policy.policy
    return tuple(
        VolumeScope(rule, p._expand(rule.countries, ("volume", i, "countries")), f"{p.name}/{rule.name}")
        for i, rule in enumerate(p.volume)
    )


def judge_volume(scope: VolumeScope, types: Sequence[str], count: int, counted_by: str) -> RuleHit | None:
    """The rule hit when ``count`` distinct subjects (this request's included) cross the threshold. Pure.

    ``counted_by`` says whose count it is (this guard's alone, or the fleet's), so the evidence shows it.
    """
    rule = scope.rule
    if count <= rule.threshold:
        return None
    reason = rule.reason or f"bulk transfer: more than {rule.threshold} distinct devices"
    reason = f"{reason} ({count} distinct devices in {rule.window}, {counted_by})"
    return RuleHit(f"volume.{rule.name}", "violation", rule.action, reason, tuple(types), rule.legal_basis)


def with_rules(judgement: Judgement, extra: Sequence[RuleHit]) -> Judgement:
    """``judgement`` with more rule hits, its verdict and action recomputed. Pure."""
    if not extra:
        return judgement
    return _judgement((*judgement.rules, *extra))
