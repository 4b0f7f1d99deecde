"""Which section of the math reference holds the formulas behind which public name.

One table serves both directions: each math section gets a line naming its functions, linked to their
API pages (``zeroopt_pages`` inserts it under the heading, with a label before the heading), and each
API page gets a line linking back to its sections (the templates in ``_templates/autosummary/`` read
:func:`by_name`). A heading that is not on its page is a build warning, so a renamed section cannot
leave a dangling link.
"""

from __future__ import annotations

import re

#: (math page, heading text) -> the public names whose formulas the section gives
SECTIONS = {
    ("math/estimators", "Summary"): ["zeroopt.Oracle", "zeroopt.RandomOracle"],
    ("math/estimators", "Coordinate finite differences"): ["zeroopt.CoordinateFD"],
    ("math/estimators", "Random coordinate"): ["zeroopt.RandomCoordinate"],
    ("math/estimators", "Two-point estimators on random directions"): ["zeroopt.TwoPoint"],
    ("math/estimators", "Several directions"): ["zeroopt.TwoPoint"],
    ("math/estimators", "Exact gradients"): ["zeroopt.ExactAD"],
    ("math/estimators", "The slope along the estimate"): ["zeroopt.Estimate"],
    ("math/estimators", "Reproducible draws"): ["zeroopt.RandomOracle"],
    ("math/estimators", "The in-place step"): ["zeroopt.minimize"],
    ("math/estimators", "Batched evaluation"): ["zeroopt.problems.logistic", "zeroopt.problems.logistic_batch"],
    ("math/rates", "One step"): ["zeroopt.minimize"],
    ("math/rates", "The three settings"): ["zeroopt.theory.contraction", "zeroopt.theory.gd_convex_bound",
                                           "zeroopt.theory.gd_nonconvex_bound"],
    ("math/rates", "The predicted slowdown"): ["zeroopt.theory.linear_slowdown", "zeroopt.theory.ns_forward_step",
                                               "zeroopt.theory.ns_forward_contraction"],
    ("math/rates", "The adaptive step"): ["zeroopt.minimize"],
    ("math/rates", "Steepest descent"): ["zeroopt.minimize"],
    ("math/rates", "Coordinate minimisation"): ["zeroopt.minimize"],
    ("math/rates", "Newton's method"): ["zeroopt.minimize"],
    ("math/linesearch", "Dichotomy"): ["zeroopt.linesearch.dichotomy"],
    ("math/linesearch", "Golden section"): ["zeroopt.linesearch.golden", "zeroopt.linesearch.INVPHI",
                                            "zeroopt.linesearch.INVPHI2"],
    ("math/linesearch", "Successive parabolic interpolation"): ["zeroopt.linesearch.parabolic"],
    ("math/linesearch", "Brent's method"): ["zeroopt.linesearch.brent", "zeroopt.linesearch.bracket"],
    ("math/linesearch", "Step rules"): ["zeroopt.linesearch.armijo", "zeroopt.linesearch.goldstein",
                                        "zeroopt.linesearch.wolfe", "zeroopt.linesearch.exact_quadratic"],
    ("math/ad_rules", "Forward or reverse"): ["zeroopt.grad", "zeroopt.value_and_grad", "zeroopt.vjp",
                                              "zeroopt.jvp", "zeroopt.jacobian", "zeroopt.hvp",
                                              "zeroopt.hessian", "zeroopt.ad.checkpoint"],
    ("math/ad_rules", "The rules"): ["zeroopt.ad.Tracer", "zeroopt.ad.check_grads"],
}


def label(page, heading):
    """The reference label of a math section: ``math-<page>-<heading slug>``."""
    slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return f"math-{page.split('/')[-1].replace('_', '-')}-{slug}"


def by_name():
    """{public name: [(math page, [(label, heading), ...]), ...]} in the table's order: what an API page
    links to."""
    out = {}
    for (page, heading), names in SECTIONS.items():
        for name in names:
            pages = out.setdefault(name, [])
            if not pages or pages[-1][0] != page:
                pages.append((page, []))
            pages[-1][1].append((label(page, heading), heading))
    return out


def by_page(docname):
    """[(heading, label, names)] of one math page."""
    return [(heading, label(page, heading), names) for (page, heading), names in SECTIONS.items() if page == docname]
