"""How a run ended: one :class:`Status` for every optimizer and every scalar search.

``success`` is True only for :attr:`Status.CONVERGED`, i.e. only when a stated convergence test held.
Every other end - a budget, divergence, a non-finite value, a failed line search, a callback's stop, a
stall - is
reported as such, with a message built from the status's one template and naming the figure that
decided it (the value of the test, the budget, the point).
"""

from __future__ import annotations

import enum


# numpydoc's PR01 would ask for the parameters of enum's functional API (Status(value, names, module, ...))
class Status(enum.IntEnum):  # numpydoc ignore=PR01
    """The end of a run of :func:`zeroopt.minimize` or of a line search.

    ==================  =======  ====================================================================
    status              success  meaning
    ==================  =======  ====================================================================
    CONVERGED           True     the method's stated convergence test held (named in the message)
    MAXITER             False    the iteration budget ``maxiter`` was used
    MAXFEV              False    the evaluation budget (``max_nfev``, ``maxfev``) would be exceeded
    DIVERGED            False    f grew past the divergence threshold, or the iterate overflowed
    NONFINITE           False    the objective (or a difference quotient) gave inf or NaN; the point
                                 is named in the message
    LINESEARCH_FAILED   False    a line search or step rule found no acceptable step
    CALLBACK            False    the callback raised StopIteration
    STALLED             False    f, as the method evaluates it anyway, has not decreased over the run's
                                 stall window while a ``tol`` was asked for: the test cannot be reached
    ==================  =======  ====================================================================

    See Also
    --------
    zeroopt.Result : Holds the status of a run.
    zeroopt.linesearch.LineSearchResult : Holds the status of a line search.

    Examples
    --------
    >>> from zeroopt import Status
    >>> Status.CONVERGED.success, Status.MAXITER.success
    (True, False)
    >>> print(Status.MAXITER.message(what="maxiter = 10"))
    stopped: the iteration budget was used (maxiter = 10)

    A status prints as its name (so does the ``status`` line of a printed :class:`zeroopt.Result`) and
    compares equal to its number:

    >>> print(Status.MAXITER)
    MAXITER
    >>> f"{Status.MAXITER:d}", Status.MAXITER == 1
    ('1', True)
    """

    CONVERGED = 0
    MAXITER = 1
    MAXFEV = 2
    DIVERGED = 3
    NONFINITE = 4
    LINESEARCH_FAILED = 5
    CALLBACK = 6
    STALLED = 7

    @property
    def success(self):
        """True only for CONVERGED: a stated convergence test held.

        See Also
        --------
        zeroopt.Result : Its ``success`` is its status's.

        Examples
        --------
        >>> from zeroopt import Status
        >>> [s.name for s in Status if s.success]
        ['CONVERGED']
        """
        return self is Status.CONVERGED

    def __str__(self):
        # the name, so that printing a status or a Result (scipy's repr of it calls str) says MAXITER,
        # not 1 - on every Python: 3.10 printed "Status.MAXITER", 3.11+ "1"
        return self.name

    def __format__(self, spec):
        # f"{status}" is the name too (padded as a string: "<12"); an integer format ("d", "03d") is the number
        if spec[-1:] in tuple("bcdoxXn"):
            return format(int(self), spec)
        return format(self.name, spec)

    def message(self, **fields):
        """Fill the status's message template with the figure that decided it.

        Parameters
        ----------
        **fields
            The template's fields: ``what``, the figure that decided it (the value of the test, the budget,
            the point).

        Returns
        -------
        str
            The message.

        Raises
        ------
        KeyError
            If a field the template names is missing.

        See Also
        --------
        detail : The figure back from a message.

        Examples
        --------
        >>> from zeroopt import Status
        >>> Status.DIVERGED.message(what="f = 1e+300 > 1e+200")
        'diverged: f = 1e+300 > 1e+200'
        """
        return TEMPLATES[self].format(**fields)

    def detail(self, message):
        """Take the figure out of a message made by :meth:`message`, so that it can be quoted inside another.

        Parameters
        ----------
        message : str
            A message of this status.

        Returns
        -------
        str
            The figure, without the template's own words; the message itself if it does not follow the
            template.

        See Also
        --------
        message : Makes the message.

        Examples
        --------
        >>> from zeroopt import Status
        >>> Status.MAXFEV.detail(Status.MAXFEV.message(what="maxfev = 5"))
        'maxfev = 5'
        """
        head, _, tail = TEMPLATES[self].partition("{what}")
        if message.startswith(head) and message.endswith(tail):
            return message[len(head):len(message) - len(tail)]
        return message


#: One message template per status. ``{what}`` is the figure that decided it, e.g.
#: "||G|| = 3.1e-09 <= tol = 1e-08", "max_nfev = 333: the next iteration needs 2 more evaluations",
#: "f = nan at x + h e_0 ...".
TEMPLATES = {
    Status.CONVERGED: "converged: {what}",
    Status.MAXITER: "stopped: the iteration budget was used ({what})",
    Status.MAXFEV: "stopped: the evaluation budget was used ({what})",
    Status.DIVERGED: "diverged: {what}",
    Status.NONFINITE: "stopped on a non-finite value: {what}",
    Status.LINESEARCH_FAILED: "the line search failed: {what}",
    Status.CALLBACK: "stopped by the callback (StopIteration) {what}",
    Status.STALLED: "stalled: {what}",
}
