"""The Moré–Wild problem set (zeroopt.problems.more_wild and .mgh): values against the reference code, AD
gradients against central differences, each kind against its definition, the decisions taken where the
reference codes disagree, f* and its sources, noisy3's seed, and bad input.

Provenance of the reference numbers:

* REF and CLIP: BenDFO's Python calfun/dfovec/dfoxs (github.com/POptUS/BenDFO, commit
  5f06c29e2deee4a0a1931bcd610b6af62136388d, 2023-11-02) run with numpy 2.4. BenDFO's Fortran at the same
  commit (gfortran 12.2, after the fixes it needs to compile: dfovec.f's header and its missing END)
  agrees with REF to 5e-16 relative for smooth and nondiff, and to 1.3e-10 for wild3, where it writes
  0.9 and 0.1 as single-precision literals (decision 5 of more_wild's docstring).
* FORTRAN_HELICAL: that Fortran dfovec.f at x = (0, 2, 0.5), (0, -2, 0.5), (0, 0, 0.5);
  BENDFO_PYTHON_HELICAL: the Python dfovec at the points where it differs.
* MGH_PRINTED: the optimal values printed in Moré, Garbow & Hillstrom (1981), six digits then "...".
* MINIMA: points where our Levenberg-Marquardt solve (scipy.optimize.least_squares, method "lm",
  tolerances 1e-15, Jacobian by zeroopt.ad) of our residuals converged, from near MGH's minimisers or
  from x_s; they only witness that f* is attained (the tests check f and the gradient there).
"""

import numpy as np
import pytest

import zeroopt as zo
from zeroopt.problems import mgh

EPS = np.finfo(float).eps
ROWS = zo.problems.more_wild_table()
CLIPPED = (8, 9, 13, 16, 17, 18)

REF = {  # row: (smooth, nondiff, wild3) at x0
    1: (71.99999999999996, 53.99999999999999, 71.94284160891063),
    2: (1125.0, 225.0, 1124.0538600446373),
    3: (11654195.0, 17605.0, 11644250.329825016),
    4: (1168591235.0, 176365.0, 1167710042.0736368),
    5: (4989195.0, 11189.0, 4984937.65758264),
    6: (500935635.0, 112169.0, 500557897.3232963),
    7: (24.199999999999996, 6.6, 24.195261204736223),
    8: (1795769.0, 1353.0, 1794074.9948498444),
    9: (2500.0, 50.0, 2502.152729568278),
    10: (10600.0, 140.0, 10590.947874163274),
    11: (215.00000000000003, 22.885178618173306, 215.05690460633886),
    12: (1615400.0000000002, 1457.2717438423497, 1615246.130664112),
    13: (400.5, 24.0, 400.89873855836714),
    14: (154575360.0, 17376.0, 154489277.50345525),
    15: (41.68169586167801, 21.88285714285714, 41.69791169727732),
    16: (1306.2335498157595, 139.33928571428572, 1305.7904200195826),
    17: (0.00531317227210854, 0.1951533875892894, 0.005311850960740851),
    18: (1693607809.4361455, 133046.09598723816, 1693382470.643098),
    19: (16.430831175992274, 15.854511899079055, 16.433785647837166),
    20: (2323367.37205191, 5427.667689040603, 2323916.1489457777),
    21: (26.904166022417815, 22.412493923964128, 26.92979764671982),
    22: (8158876.625210726, 8544.577699987449, 8160611.724893979),
    23: (73.67820524905898, 34.33984150257052, 73.67327603681011),
    24: (20593837.27330552, 11897.820364531179, 20575924.43265667),
    25: (1031.1538106093983, 99.1511866309861, 1031.6477388540525),
    26: (4171.306161960492, 120.58804244695881, 4175.128601995726),
    27: (7926693.336997433, 11303.80055746857, 7929369.2869221475),
    28: (308106428512.94086, 2412781.0962674743, 308385880728.9899),
    29: (0.04642817229746083, 0.32908737005839434, 0.04638392708142805),
    30: (0.033770638463718826, 0.27589285714285716, 0.03378801772113258),
    31: (0.03861769828593027, 0.346952586702249, 0.03865600580087024),
    32: (0.028882980288225977, 0.29144860444444437, 0.02886224120072897),
    33: (0.033763265462880075, 0.3538572269987886, 0.03373170638244586),
    34: (0.026740603262178475, 0.31698217614998686, 0.02672985797427979),
    35: (273.2480478286743, 50.4990234375, 273.50807236647086),
    36: (16.174112540921755, 16.37327795204284, 16.158797476860006),
    37: (2.0934195142120644, 9.605935331304185, 2.092778322076645),
    38: (199.68467904854867, 54.91479013035659, 199.87805173833428),
    39: (904.0, 64.0, 903.1522709129714),
    40: (1356.0, 96.0, 1354.6585775803717),
    41: (1582.0, 112.0, 1580.970892958284),
    42: (1808.0, 128.0, 1808.8545182752528),
    43: (56.5, 15.5, 56.52011795364672),
    44: (70.5625, 19.25, 70.57518803247517),
    45: (98.6875, 26.75, 98.75223378428909),
    46: (2539084359.25047, 112234.83290521028, 2537622541.5820384),
    47: (6873795260334.307, 5839044.286579988, 6874171554751.524),
    48: (3367961145.859085, 162439.96266710677, 3365903290.274402),
    49: (3735127013.2708926, 190072.19518959845, 3737262685.1593423),
    50: (3991072354.222331, 213528.47773513693, 3987116774.5404387),
    51: (11300149979351.404, 11340488.87673895, 11299721246787.74),
    52: (9.385672310627488, 4.922254913999997, 9.379699325844339),
    53: (33658150719.14957, 264839.16574, 33634141556.651463),
}

CLIP = {  # row: (BenDFO calfun 'nondiff', sum |F(x)| unclipped) at x = x0 with every second entry negated
    7: (26.599999999999998, 26.599999999999998),
    15: (44.87571428571428, np.inf),
    17: (0.14575354137814672, 0.23590739980843975),
    26: (46.36235088211924, 54.36634627759387),
    35: (75.0, 99.5009765625),
    36: (3.30004623677417, 371.23930733328086),
    37: (22.03412558760809, 6.41454076564202e+91),
}

FORTRAN_HELICAL = {(0.0, 2.0): (-20.0, 10.0, 0.5), (0.0, -2.0): (30.0, 10.0, 0.5), (0.0, 0.0): (-20.0, -10.0, 0.5)}
BENDFO_PYTHON_HELICAL = {(0.0, -2.0): (-20.0, 10.0, 0.5), (0.0, 0.0): (5.0, -10.0, 0.5)}

MGH_PRINTED = {(8, 3): 8.21487e-3, (9, 4): 3.07505e-4, (10, 3): 87.9458, (11, 6): 2.28767e-3, (11, 9): 1.39976e-6,
               (11, 12): 4.72238e-10, (13, 2): 124.362, (14, 4): 85822.2, (15, 8): 3.51687e-3,
               (17, 5): 5.46489e-5, (18, 11): 4.01377e-2}

MINIMA = {  # (function, n): a point attaining f* (see the module docstring)
    (8, 3): [0.08241055974977815, 1.1330360920293594, 2.3436951786428857],
    (9, 4): [0.19280693479002803, 0.19128232399536255, 0.12305650603389266, 0.13606232848959335],
    (10, 3): [0.005609636471027945, 6181.346346286389, 345.2236346241371],
    (11, 6): [
        -0.01572508633200857, 1.012434869375717, -0.23299162601249995, 1.2604300883231592, -1.5137289235145943,
        0.9929964329075203
    ],
    (11, 9): [
        -1.5307036521400488e-05, 0.9997897039319484, 0.014763963693556537, 0.14634232829935584, 1.000821103004753,
        -2.6177311405191235, 4.104403164478993, -3.143612278556531, 1.0526264080101908
    ],
    (11, 12): [
        -6.6380612561387564e-09, 1.000001644117804, -0.0005639321944993708, 0.3478205401357082,
        -0.15673150051457577, 1.0528151584565855, -3.24727109476253, 7.2884347828432166, -10.271848098685052,
        9.074113538535544, -4.54137542039196, 1.0120118800746332
    ],
    (13, 2): [0.2578252136645743, 0.25782521367655137],
    (14, 4): [-11.594437354007436, 13.203629096271614, -0.40343965748457605, 0.23677859895627829],
    (15, 8): [
        0.04315275973960572, 0.1930908399849136, 0.2663287069644547, 0.5000000002417634, 0.4999999997582365,
        0.7336712930355452, 0.8069091600150863, 0.9568472402603942
    ],
    (15, 10): [
        0.0596199022677696, 0.16670828407942698, 0.23917066180859792, 0.3988842947746537, 0.3988842937227455,
        0.6011157082349504, 0.6011157110391603, 0.7608293439242106, 0.8332917204087118, 0.9403801011968802
    ],
    (17, 5): [0.37541005292634444, 1.935847012321063, -1.4646872367989836, 0.01286753484010141, 0.022122699254246463],
    (18, 11): [
        1.309977153431013, 0.4315537917362308, 0.6336616979268972, 0.5994305323659256, 0.7541832184682029,
        0.9042886038589886, 1.3658118218266928, 4.823698836007272, 2.398684867361319, 4.5688745974192235,
        5.675341471080458
    ],
    (15, 6): [
        0.06687659094608973, 0.2887406731194442, 0.3666822992416477, 0.6333177007583523, 0.7112593268805558,
        0.9331234090539103
    ],
    (15, 7): [
        0.05806914962097547, 0.2351716123574216, 0.3380440947400462, 0.5, 0.6619559052599538, 0.7648283876425784,
        0.9419308503790246
    ],
    (15, 9): [
        0.044205346135782746, 0.19949067230988096, 0.23561910847106, 0.416046907892598, 0.5, 0.583953092107402,
        0.76438089152894, 0.8005093276901191, 0.9557946538642172
    ],
    (22, 8): [
        -0.31162660556540345, -0.37837339443459644, 0.3282442301180634, -0.3722442301180634, -1.2822270942702751,
        2.494300312085459, 1.554865878787431, -1.3846378428632367
    ],
    (21, 5): [84.28291101102532, 79.20603967293438, 74.33641411353109, 69.67114741121779, 65.20718113814443],
    (21, 8): [
        84.43334222593526, 79.33454939399171, 74.44387011026309, 69.7592945870252, 65.27853533617876,
        60.9988580578957, 56.91693793544319, 53.02876129156722
    ],
    (21, 10): [
        84.53434289477315, 79.42084435375007, 74.51601545241338, 69.81844699647671, 65.32637991893166,
        61.03748806452532, 56.94869518846037, 53.056052319528746, 49.35469508461959, 45.83889035077596
    ],
    (21, 12): [
        84.63591921594157, 79.50764231052248, 74.5885724920863, 69.87791406833868, 65.3744482468492,
        61.076265307889024, 56.98054088428212, 53.08338921660163, 49.3798168105237, 45.86378591833199,
        42.5283822593979, 39.36606891417027
    ],
}


def f_py(p, x):
    """The objective in Python (what AD traces): no compilation, so the value tests stay fast."""
    return p.py_fun(np.asarray(x, dtype=float), *p.args)


def residuals(p, x):
    return mgh.more_wild_residuals(np.asarray(x, dtype=float), *p.args[:3])


def second_point(x0, row):
    """A point near x0, 5% away per coordinate (away from the functions' poles and branch cuts)."""
    u = np.random.default_rng(row).uniform(-1.0, 1.0, x0.shape)
    return x0 + 0.05 * (np.abs(x0) + 0.1) * u


# --- the table -------------------------------------------------------------------------------------------
def test_the_table_has_53_rows_over_the_22_functions():
    assert len(ROWS) == 53 and [r.row for r in ROWS] == list(range(1, 54))
    assert sorted({r.nprob for r in ROWS}) == list(range(1, 23))
    assert len({r.name for r in ROWS}) == 53 and all(r.name.startswith(f"mw{r.row:02d}_") for r in ROWS)
    assert len({(r.nprob, r.n, r.m, r.s) for r in ROWS}) == 53
    assert all(2 <= r.n <= r.m and r.s in (0, 1) and r.n <= 12 for r in ROWS)
    for r in ROWS:
        p, x0 = zo.problems.more_wild(r.row)
        assert p.dim == r.n == x0.shape[0] and p.args[:2] == (r.nprob, r.m) and p.name == r.name
        assert residuals(p, x0).shape == (r.m,)


# --- values at x0 against the reference code ---------------------------------------------------------------
@pytest.mark.parametrize("row", range(1, 54))
def test_f_at_x0_matches_the_reference_code(row):
    for kind, expected in zip(("smooth", "nondiff", "wild3"), REF[row]):
        p, x0 = zo.problems.more_wild(row, kind)
        np.testing.assert_allclose(f_py(p, x0), expected, rtol=1e-13, err_msg=f"row {row}, kind {kind}")


@pytest.mark.slow
def test_the_jitted_objectives_equal_the_python_ones():
    """Compiles the four objectives (tens of seconds the first time; numba caches them on disk), then
    compares every row at x0 and a second point; noisy3's draws too, which numba makes from the same
    Generator as numpy. numba and numpy sum in different orders: ||x||_1 may differ by n eps ||x||_1,
    which wild3 amplifies by 1e-3 |dphi/d||x||_1| <= 1e-3 * 9 * 90 (phi = T_3(phi_0), |T_3'| <= 9)."""
    for kind in zo.problems.MORE_WILD_KINDS:
        for r in ROWS:
            p, x0 = zo.problems.more_wild(r.row, kind, seed=r.row)
            q, _ = zo.problems.more_wild(r.row, kind, seed=r.row)
            for x in (x0, second_point(x0, r.row)):
                rtol = 1e-13 + (0.81 * r.n * EPS * np.sum(np.abs(x)) if kind == "wild3" else 0.0)
                np.testing.assert_allclose(p.value(x), f_py(q, x), rtol=rtol, err_msg=f"row {r.row}, {kind}")
        assert p.mode == "jit"


# --- AD gradients ---------------------------------------------------------------------------------------------
def central_differences(f, x):
    """Coordinate central differences with h_i = eps^(1/3) max(1, |x_i|), and their rounding bound."""
    g, noise = np.empty_like(x), np.empty_like(x)
    for i in range(x.size):
        h = np.cbrt(EPS) * max(1.0, abs(x[i]))
        e = np.zeros_like(x)
        e[i] = h
        fp, fm = f(x + e), f(x - e)
        g[i] = (fp - fm) / (2 * h)
        noise[i] = 4 * EPS * max(abs(fp), abs(fm)) / (2 * h)
    return g, noise


@pytest.mark.parametrize("row", range(1, 54))
def test_the_ad_gradient_matches_central_differences(row):
    """The differences' truncation error, h^2 |f'''| / 6 ~ eps^(2/3) ||g|| for a function that varies on
    the scale of max(1, |x_i|), is far below the 1e-6 ||g|| allowed (plus their rounding bound)."""
    p, x0 = zo.problems.more_wild(row)
    grad = zo.grad(p.py_fun)
    for x in (x0, second_point(x0, row)):
        g = grad(x, *p.args)
        fd, noise = central_differences(lambda z: f_py(p, z), x)
        assert np.all(np.isfinite(g))
        assert np.all(np.abs(g - fd) <= 1e-6 * np.max(np.abs(g)) + noise), (row, x, g, fd)


# --- each kind against its definition ----------------------------------------------------------------------------
def phi(x):
    """Moré & Wild's noise function phi = T_3(phi_0), written from the paper with numpy's norms."""
    a = (0.9 * np.sin(100 * np.linalg.norm(x, 1)) * np.cos(100 * np.linalg.norm(x, np.inf))
         + 0.1 * np.cos(np.linalg.norm(x)))
    return a * (4 * a * a - 3)


@pytest.mark.parametrize("row", range(1, 54))
def test_each_kind_follows_its_definition(row):
    r = ROWS[row - 1]
    p, x0 = zo.problems.more_wild(row)
    x = second_point(x0, row)
    F = residuals(p, x)
    assert np.all(np.isfinite(F))
    assert f_py(p, x) == pytest.approx(np.sum(F ** 2), rel=1e-14)
    nd, _ = zo.problems.more_wild(row, "nondiff")
    for z in (x, x * np.where(np.arange(r.n) % 3 == 2, -1.0, 1.0)):         # some entries negative
        expected = np.sum(np.abs(residuals(p, np.maximum(z, 0.0) if r.nprob in CLIPPED else z)))
        with np.errstate(over="ignore"):
            assert f_py(nd, z) == pytest.approx(expected, rel=1e-14)
    w3, _ = zo.problems.more_wild(row, "wild3")
    assert f_py(w3, x) == pytest.approx((1 + 1e-3 * phi(x)) * np.sum(F ** 2), rel=1e-14)
    assert f_py(w3, x) == f_py(w3, x)                                     # deterministic
    n3, _ = zo.problems.more_wild(row, "noisy3", seed=[row, 7])
    rng = np.random.default_rng([row, 7])
    for _ in range(3):                                                    # fresh draws at every evaluation
        u = rng.uniform(-1e-3, 1e-3, r.m)
        assert f_py(n3, x) == pytest.approx(np.sum((F * (1 + u)) ** 2), rel=1e-14)


def test_wild3_phi_is_the_papers_and_stays_in_minus_one_one():
    rng = np.random.default_rng(0)
    for x in (np.zeros(3), np.ones(5), rng.standard_normal(7), 10 * rng.standard_normal(12)):
        assert mgh.wild3_phi(x) == pytest.approx(phi(x), rel=1e-13, abs=1e-15)
        assert -1 <= mgh.wild3_phi(x) <= 1


# --- the decisions ------------------------------------------------------------------------------------------------
def test_decision_1_the_helical_valley_at_x1_zero_follows_the_fortran():
    p, _ = zo.problems.more_wild(9)
    for (x1, x2), expected in FORTRAN_HELICAL.items():
        np.testing.assert_allclose(residuals(p, [x1, x2, 0.5]), expected, rtol=1e-15)
        if (x1, x2) in BENDFO_PYTHON_HELICAL:              # where the Python reference differs
            assert not np.allclose(residuals(p, [x1, x2, 0.5]), BENDFO_PYTHON_HELICAL[(x1, x2)])
    # the value at x1 = 0 is the limit from x1 > 0 (for x2 > 0 from both sides)
    for x1 in (1e-9, -1e-9):
        assert residuals(p, [x1, 2.0, 0.5])[0] == pytest.approx(-20.0, abs=1e-6)
    assert residuals(p, [1e-9, -2.0, 0.5])[0] == pytest.approx(30.0, abs=1e-6)
    # for x2 > 0 theta is smooth at x1 = 0, and AD gets its derivative: dF_1/dx_1 = 100 x_2 / (2 pi r^2)
    J = zo.jacobian(mgh.more_wild_residuals)(np.array([0.0, 2.0, 0.5]), *p.args)
    np.testing.assert_allclose(J[0], [100 * 2 / (2 * np.pi * 4), 0.0, 10.0], rtol=1e-14, atol=1e-14)


def test_decision_2_noisy3_multiplies_each_residual():
    """f = sum (F_i (1 + u_i))^2, u_i ~ U[-1e-3, 1e-3]: f / sum F_i^2 - 1 ~ sum_i w_i 2 u_i (w_i = F_i^2 / sum F^2)
    has the sd 2e-3 sqrt(sum w_i^2 / 3); a factor on f as a whole would give 2e-3 / sqrt(3), 3.7 times more
    at row 1 (m = 45)."""
    p, x0 = zo.problems.more_wild(1, "noisy3", seed=11)
    F2 = residuals(p, x0) ** 2
    rng = np.random.default_rng(11)
    values = np.array([f_py(p, x0) for _ in range(400)])
    us = [rng.uniform(-1e-3, 1e-3, 45) for _ in range(400)]
    np.testing.assert_allclose(values, [np.sum(F2 * (1 + u) ** 2) for u in us], rtol=1e-15)
    ratios = values / np.sum(F2)
    assert np.all(((1 - 1e-3) ** 2 <= ratios) & (ratios <= (1 + 1e-3) ** 2))
    w = F2 / F2.sum()
    sd = 2e-3 * np.sqrt(np.sum(w ** 2) / 3)
    assert 0.8 * sd < np.std(ratios) < 1.2 * sd          # 400 draws: a sample sd within ~4% (1 s.e.)


def test_decision_3_nondiff_clips_x_for_functions_8_9_13_16_17_18():
    for row, (ref, unclipped) in CLIP.items():
        r = ROWS[row - 1]
        p, x0 = zo.problems.more_wild(row, "nondiff")
        x = x0 * np.where(np.arange(r.n) % 2 == 1, -1.0, 1.0)
        assert f_py(p, x) == pytest.approx(ref, rel=1e-13)
        smooth, _ = zo.problems.more_wild(row)
        with np.errstate(divide="ignore", over="ignore"):
            assert np.sum(np.abs(residuals(smooth, x))) == pytest.approx(unclipped, rel=1e-12)
        assert (p.args[3] == 0.0) == (r.nprob in CLIPPED) == (ref != unclipped)
    # the unclipped sum |F_i(x)| from the same objective, as the docstring says
    p, x0 = zo.problems.more_wild(36, "nondiff")
    q = zo.Problem(mgh.more_wild_nondiff_fun, 5, args=p.args[:3] + (-np.inf,), jit=False)
    assert q.value(x0 * np.array([1.0, -1.0, 1.0, -1.0, 1.0])) == pytest.approx(CLIP[36][1], rel=1e-13)


def test_decision_4_osborne1_starts_at_more_and_wilds_x_s():
    _, x0 = zo.problems.more_wild(36)
    np.testing.assert_array_equal(x0, [0.5, 1.5, 1.0, 0.01, 0.02])       # MGH 1981 have x_3 = -1
    _, x0 = zo.problems.more_wild(20)
    np.testing.assert_array_equal(x0, np.full(6, 5.0))                    # Watson: 10 x 0.5 (MGH: 0)


# --- f* and its sources -------------------------------------------------------------------------------------------
def witness(r):
    """A point where the smooth problem attains its f*."""
    if (r.nprob, r.n) in MINIMA:
        return np.array(MINIMA[(r.nprob, r.n)])
    if r.nprob == 2:                                       # any x with sum_j j x_j = 3 / (2m + 1)
        return np.r_[3.0 / (2 * r.m + 1), np.zeros(r.n - 1)]
    if r.nprob == 3:                                       # any x with sum_{j=2}^{n-1} j x_j = 3 / (2m - 3)
        return np.r_[0.0, 1.5 / (2 * r.m - 3), np.zeros(r.n - 2)]
    if r.nprob == 12:
        return np.array([1.0, 10.0, 1.0])
    if r.nprob == 16:
        return np.ones(r.n)
    p, _ = zo.problems.more_wild(r.row)
    return p.x_star


def test_f_star_is_known_exactly_where_the_literature_gives_it():
    assert [r.row for r in ROWS if r.f_star is None] == [33, 34, 39, 40, 41, 42]  # Chebyquad n = 10, 11, Bdqrtic
    for r in ROWS:
        if r.f_star is None:
            assert r.f_star_source is None
            continue
        assert r.f_star_source
        p, _ = zo.problems.more_wild(r.row)
        x = witness(r)
        f = f_py(p, x)
        assert p.f_star == r.f_star
        if r.f_star == 0:
            assert f <= 1e-20, (r.row, f)
        else:
            assert f == pytest.approx(r.f_star, rel=1e-13), r.row
            g = zo.grad(p.py_fun)(x, *p.args)                 # stationary, in the variables' own scale
            assert np.max(np.abs(g) * np.maximum(1, np.abs(x))) <= 1e-5 * max(1.0, f), r.row
        if p.x_star is not None:
            assert f_py(p, p.x_star) == pytest.approx(r.f_star, abs=1e-15)


def test_f_star_truncates_to_the_digits_mgh_print():
    checked = set()
    for r in ROWS:
        if (r.nprob, r.n) in MGH_PRINTED:
            printed = MGH_PRINTED[(r.nprob, r.n)]
            unit = 10.0 ** (np.floor(np.log10(printed)) - 5)
            assert printed - 1e-9 * unit <= r.f_star < printed + unit, (r.row, r.f_star, printed)
            assert "Garbow" in r.f_star_source
            checked.add((r.nprob, r.n))
    assert checked == set(MGH_PRINTED)


#: a point below the value MGH print for Chebyquad n = 10 (6.50395e-3, a local minimum): scipy's
#: least_squares(method="lm", xtol=ftol=gtol=1e-15) from 1.01 x0 (row 33)
CHEBYQUAD_10_LOWER = [0.07474816709075681, 0.17151817766820057, 0.2864341533051835, 0.3596464507082296,
                      0.47075052347359736, 0.6167383354365723, 0.6167383355048145, 0.7998108019830835,
                      0.8448546437542589, 0.9670066289269881]


def test_chebyquad_10_has_no_f_star_because_mgh_print_a_local_minimum():
    """MGH's 6.50395e-3 for Chebyquad n = 10 is not the minimum: f is 27% lower at a point an LM solve
    reaches, so the row says nothing (a gap f - f* would go negative)."""
    (r,) = [r for r in ROWS if (r.nprob, r.n) == (15, 10)]
    p, _ = zo.problems.more_wild(r.row)
    f = f_py(p, np.array(CHEBYQUAD_10_LOWER))
    assert f == pytest.approx(4.772713696375e-3, rel=1e-11) and f < 6.50395e-3
    assert r.f_star is None and p.f_star is None


def test_the_other_kinds_know_f_star_zero_where_the_residual_vanishes():
    for r in ROWS:
        p, _ = zo.problems.more_wild(r.row)
        for kind in ("nondiff", "wild3", "noisy3"):
            q, _ = zo.problems.more_wild(r.row, kind, seed=0)
            assert q.f_star == (0.0 if r.f_star == 0 else None), (r.row, kind)
            if q.f_star == 0:
                assert f_py(q, witness(r)) <= 1e-9, (r.row, kind)      # nondiff: sum |F_i| ~ sqrt(1e-20)
            assert q.x_star is None or (q.f_star == 0 and np.array_equal(q.x_star, p.x_star))


# --- noisy3's seed ----------------------------------------------------------------------------------------------
def test_noisy3_is_reproducible_from_its_seed():
    def draws(seed, k=5):
        p, x0 = zo.problems.more_wild(37, "noisy3", seed=seed)
        return [f_py(p, x0) for _ in range(k)]

    assert draws(3) == draws(3)
    assert draws(np.random.SeedSequence(3)) == draws(3)
    assert draws(3) != draws(4)
    assert len(set(draws(3))) == 5
    with pytest.raises(ValueError, match="seed"):
        zo.problems.more_wild(37, "noisy3")
    with pytest.raises(TypeError, match="seed"):
        zo.problems.more_wild(37, "noisy3", seed="abc")


# --- bad input ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("row", [0, 54, -1])
def test_a_row_outside_1_53_is_a_value_error_naming_row(row):
    with pytest.raises(ValueError, match="row"):
        zo.problems.more_wild(row)


@pytest.mark.parametrize("row", [1.0, True, "3", None])
def test_a_row_that_is_not_an_integer_is_a_type_error_naming_row(row):
    with pytest.raises(TypeError, match="row"):
        zo.problems.more_wild(row)


@pytest.mark.parametrize("kind", ["noisy", "Smooth", "", None])
def test_an_unknown_kind_is_a_value_error_naming_kind(kind):
    with pytest.raises(ValueError, match="kind"):
        zo.problems.more_wild(1, kind)


def test_numpy_integers_are_rows_and_x0_is_a_new_array():
    p, x0 = zo.problems.more_wild(np.int64(7))
    x0[0] = 99.0
    _, again = zo.problems.more_wild(7)
    assert again[0] == -1.2 and p.name == "mw07_rosenbrock_n2_m2_s0"


def test_the_problems_package_keeps_the_classic_names():
    for name in ("quadratic", "rosenbrock", "logistic", "nesterov", "mds", "quadratic_fun", "random_rotation"):
        assert getattr(zo.problems, name) is getattr(zo.problems.classic, name)
    for name in zo.problems.__all__:
        assert hasattr(zo.problems, name), name
