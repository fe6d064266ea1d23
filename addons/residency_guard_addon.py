"""mitmproxy entry script: ``mitmdump -s addons/residency_guard_addon.py --set guard_policy=…``.

For people who run their own mitmproxy / mitmweb; ``residency-guard run`` does the same with a CLI.
Options: ``guard_policy``, ``guard_profiles``, ``guard_geodb``, ``guard_geo_overlay``, ``guard_events``,
``guard_on_error``, ``guard_reveal_identifiers`` … (``mitmdump -s … --options`` lists them all).
"""

from residency_guard.addon import ResidencyGuard

addons = [ResidencyGuard()]
