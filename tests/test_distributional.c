/*
 * test_distributional.c - the C51 and QR-DQN heads (distributional.h):
 *   - the C51 projection against hand-computed cases: a shifted support
 *     split between neighbours, b an integer (all mass on one atom, none
 *     lost), a shrunk support (gamma^k < 1), terminal transitions, clipping
 *     at both ends; mass conserved and non-negative on random cases;
 *   - softmax values and the cross-entropy against hand values;
 *   - the quantile Huber loss against hand values (kappa 1 and 2) and its
 *     normalisation (sum over online quantiles, mean over target ones);
 *   - targets: a* from the selector's values, QR shift by gamma^k;
 *   - finite-difference gradients of the batch loss through a whole network
 *     (ReLU MLP -> head -> loss) against a double-precision re-implementation:
 *     C51 and QR, plain and dueling-per-atom, with and without weights.
 */
#include "testutil.h"
#include "util.h"
#include "distributional.h"
#include "mlp.h"

static void project5(double r, double g, const float *p, float *m)
{
	c51_project(p, 5, -2, 2, r, g, m); /* atoms -2 -1 0 1 2 */
}

static void expect(const char *what, const float *got, const double *want, int n)
{
	double g[64];
	for (int i = 0; i < n; i++)
		g[i] = got[i];
	assert_close_array(what, g, want, n, 1e-7);
}

static void test_distributional__projection_hand_cases(void **state)
{
	(void)state;
	const float p[5] = { 0.1f, 0.2f, 0.3f, 0.25f, 0.15f };
	float m[5];
	/* r = 0.5: Tz = -1.5 -0.5 0.5 1.5 2(clipped); b = 0.5 1.5 2.5 3.5 4 */
	project5(0.5, 1, p, m);
	expect("shift 0.5", m, (const double[]){ 0.05, 0.15, 0.25, 0.275, 0.275 }, 5);
	/* r = 1: every b an integer (1 2 3 4 4): each mass lands whole on one atom */
	project5(1, 1, p, m);
	expect("integer b", m, (const double[]){ 0, 0.1, 0.2, 0.3, 0.4 }, 5);
	/* r = 0, gamma^k = 0.5: Tz = -1 -0.5 0 0.5 1 */
	project5(0, 0.5, p, m);
	expect("shrink", m, (const double[]){ 0, 0.2, 0.525, 0.275, 0 }, 5);
	/* terminal (g = 0): everything at r; r = 0.3 splits 0.7 / 0.3, r = 1 is atom 3 */
	project5(0.3, 0, p, m);
	expect("terminal", m, (const double[]){ 0, 0, 0.7, 0.3, 0 }, 5);
	project5(1, 0, p, m);
	expect("terminal on an atom", m, (const double[]){ 0, 0, 0, 1, 0 }, 5);
	/* clipping at both ends */
	project5(-10, 0.5, p, m);
	expect("clip low", m, (const double[]){ 1, 0, 0, 0, 0 }, 5);
	project5(10, 0.99, p, m);
	expect("clip high", m, (const double[]){ 0, 0, 0, 0, 1 }, 5);
	/* v_max exactly reached and partly beyond: r = 2, gamma 1 */
	project5(2, 1, p, m);
	expect("edge", m, (const double[]){ 0, 0, 0.1, 0.2, 0.7 }, 5);
	/* a support whose dz is not exactly representable: b integer up to rounding */
	float q[11], mq[11];
	for (int i = 0; i < 11; i++)
		q[i] = 1.0f / 11;
	c51_project(q, 11, -1, 1, 0.2, 1, mq); /* dz = 0.2: shift by exactly one atom */
	double want[11] = { 0 };
	for (int i = 1; i < 11; i++)
		want[i] = 1.0 / 11;
	want[10] = 2.0 / 11;
	double got[11], sum = 0;
	for (int i = 0; i < 11; i++)
		got[i] = mq[i], sum += mq[i];
	assert_close_array("one-atom shift", got, want, 11, 1e-6);
	assert_true(fabs(sum - 1) < 1e-6);
}

static void test_distributional__projection_conserves_mass(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 4);
	for (int t = 0; t < 2000; t++) {
		int n = 2 + (int)rng_below(&r, 60);
		float p[64], m[64];
		double s = 0;
		for (int i = 0; i < n; i++)
			s += p[i] = (float)rng_uniform(&r);
		for (int i = 0; i < n; i++)
			p[i] = (float)(p[i] / s);
		double lo = rng_uniform_range(&r, -20, 0), hi = lo + rng_uniform_range(&r, 0.1, 30);
		/* rewards landing on atoms too: a multiple of dz */
		double dz = (hi - lo) / (n - 1);
		double rew = t % 3 ? rng_uniform_range(&r, -40, 40) : dz * (double)(int)rng_below(&r, 5);
		double g = t % 4 ? rng_uniform(&r) : 1.0;
		c51_project(p, n, lo, hi, rew, g, m);
		double ms = 0, ps = 0;
		for (int i = 0; i < n; i++) {
			assert_true(m[i] >= 0);
			ms += m[i];
			ps += p[i];
		}
		if (fabs(ms - ps) > 1e-5) {
			print_error("case %d: n %d, [%g, %g], r %g, g %g: mass %.9g of %.9g\n", t, n, lo,
				    hi, rew, g, ms, ps);
			fail();
		}
	}
}

static void test_distributional__c51_values_and_cross_entropy(void **state)
{
	(void)state;
	struct dist_head h;
	/* 2 actions, 2 atoms at -1 and 1; logits a0 = (0, ln 3), a1 = (0, 0) */
	assert_int_equal(dist_head_init(&h, DIST_C51, 2, 2, 0, -1, 1, 1, 1), 0);
	float raw[4] = { 0, logf(3), 0, 0 }, target[2] = { 1, 0 }, draw[4], ps;
	const float *q = dist_forward(&h, raw, 1);
	assert_true(fabs(h.p[0] - 0.25) < 1e-7 && fabs(h.p[1] - 0.75) < 1e-7);
	assert_true(fabs(q[0] - 0.5) < 1e-7 && fabs(q[1]) < 1e-7);
	int32_t a = 0;
	double L = dist_loss(&h, &a, target, NULL, 1, draw, &ps);
	assert_true(fabs(L - log(4)) < 1e-6 && fabs(ps - log(4)) < 1e-6);
	expect("grad", draw, (const double[]){ -0.75, 0.75, 0, 0 }, 4);
	/* weight 0.5 scales loss and gradient, not the per-sample loss (the PER priority) */
	float w = 0.5f;
	L = dist_loss(&h, &a, target, &w, 1, draw, &ps);
	assert_true(fabs(L - 0.5 * log(4)) < 1e-6 && fabs(ps - log(4)) < 1e-6);
	expect("weighted grad", draw, (const double[]){ -0.375, 0.375, 0, 0 }, 4);
	dist_head_release(&h);
	/* dueling per atom: V + A - mean(A) on each atom; identical A give z = V for both actions */
	assert_int_equal(dist_head_init(&h, DIST_C51, 2, 2, 1, -1, 1, 1, 1), 0);
	float rawd[6] = { 0, logf(3), 5, -2, 5, -2 };
	q = dist_forward(&h, rawd, 1);
	assert_true(fabs(q[0] - 0.5) < 1e-6 && fabs(q[1] - 0.5) < 1e-6);
	dist_head_release(&h);
}

static void test_distributional__qr_loss_hand_values(void **state)
{
	(void)state;
	/*
	 * n = 2 (tau 0.25, 0.75), theta (0, 1), T (0.5, 3):
	 *   i = 0: u = 0.5, 3 -> 0.25 * 0.125 + 0.25 * 2.5 = 0.65625
	 *   i = 1: u = -0.5, 2 -> 0.25 * 0.125 + 0.75 * 1.5 = 1.15625
	 * L = (0.65625 + 1.15625) / 2 = 0.90625 (sum over i, mean over j)
	 * dL/dtheta_0 = -(0.25 * 0.5 + 0.25 * 1) / 2, dL/dtheta_1 = -(0.25 * -0.5 + 0.75) / 2
	 */
	float th[2] = { 0, 1 }, T[2] = { 0.5f, 3 }, g[4];
	assert_true(fabs(qr_huber_loss(th, T, 2, 1, g) - 0.90625) < 1e-12);
	expect("grad", g, (const double[]){ -0.1875, -0.3125 }, 2);
	/* kappa 2, n = 1 (tau 0.5): u = 3 -> 0.5 * 2 (3 - 1) / 2 = 1; u = -1 -> 0.5 * 0.5 / 2 */
	float z[1] = { 0 }, t3[1] = { 3 }, tm[1] = { -1 };
	assert_true(fabs(qr_huber_loss(z, t3, 1, 2, g) - 1.0) < 1e-12);
	assert_true(fabs(g[0] + 0.5) < 1e-7);
	assert_true(fabs(qr_huber_loss(z, tm, 1, 2, g) - 0.125) < 1e-12);
	assert_true(fabs(g[0] - 0.25) < 1e-7);
	/* spread targets cost even at theta = T (each theta_i meets the others); equal ones do not */
	float a4[4] = { 1, 2, 3, 4 };
	assert_true(qr_huber_loss(a4, a4, 4, 1, g) > 0); /* each theta_i meets 3 other targets */
	float c[3] = { 2, 2, 2 };
	assert_true(qr_huber_loss(c, c, 3, 1, g) == 0 && g[0] == 0 && g[1] == 0 && g[2] == 0);
	/* QR values are the mean of the quantiles */
	struct dist_head h;
	assert_int_equal(dist_head_init(&h, DIST_QR, 2, 4, 0, 0, 0, 1, 1), 0);
	float raw[8] = { 1, 2, 3, 6, -1, -1, -1, -1 };
	const float *q = dist_forward(&h, raw, 1);
	assert_true(q[0] == 3.0f && q[1] == -1.0f);
	dist_head_release(&h);
}

/* The O(n log n) quantile loss equals the direct sum over the n^2 pairs. */
static void test_distributional__qr_fast_equals_pairs(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 12);
	for (int t = 0; t < 300; t++) {
		int n = 1 + (int)rng_below(&r, t < 150 ? 12 : 250);
		double off = t % 3 ? 0 : rng_uniform_range(&r, -300, 300), spread = rng_uniform_range(&r, 0.1, 8);
		double kappa = t % 4 ? 1.0 : rng_uniform_range(&r, 0.2, 3);
		float th[256], T[256], g1[256], g2[256];
		for (int i = 0; i < n; i++)
			th[i] = (float)(off + spread * rng_uniform_range(&r, -1, 1));
		for (int i = 0; i < n; i++) /* every fifth case: targets equal to the quantiles */
			T[i] = t % 5 ? (float)(off + spread * rng_uniform_range(&r, -1.5, 1.5)) : th[(i * 7) % n];
		if (t % 7 == 0 && n > 2) /* ties and exact kappa distances */
			T[1] = T[0], T[2] = (float)(th[0] + kappa);
		double a = qr_huber_loss(th, T, n, kappa, g1), b = qr_huber_loss_pairs(th, T, n, kappa, g2);
		double sc = 1 + fabs(b);
		if (fabs(a - b) > 1e-9 * sc * (1 + fabs(off))) {
			print_error("case %d (n %d, offset %g): loss %.17g, pairs %.17g\n", t, n, off, a, b);
			fail();
		}
		double d1[256], d2[256];
		for (int i = 0; i < n; i++)
			d1[i] = g1[i], d2[i] = g2[i];
		assert_close_array("qr grad", d1, d2, n, 2e-7);
	}
}

/* a* from the selector; C51 projects that action's distribution, QR shifts its quantiles. */
static void test_distributional__targets_pick_the_selected_action(void **state)
{
	(void)state;
	struct dist_head h;
	assert_int_equal(dist_head_init(&h, DIST_QR, 2, 3, 0, 0, 0, 1, 2), 0);
	float raw[12] = { 1, 2, 3, 10, 20, 30, /* row 1 */ 5, 5, 5, 0, 0, 0 };
	dist_forward(&h, raw, 2);
	float sel[4] = { 0, 1, 7, 7 }, rew[2] = { 1, 2 }, nd[2] = { 1, 0 }, disc[2] = { 0.5f, 0.9f };
	float t[6];
	dist_targets(&h, sel, rew, nd, disc, 2, t);
	/* row 0: a* = 1 (sel), 1 + 0.5 * (10, 20, 30); row 1: tie -> a* = 0, terminal -> 2 */
	expect("qr targets", t, (const double[]){ 6, 11, 16, 2, 2, 2 }, 6);
	dist_head_release(&h);
	assert_int_equal(dist_head_init(&h, DIST_C51, 2, 5, 0, -2, 2, 1, 1), 0);
	float logits[10] = { 0, 0, 0, 0, 20, /* a1 */ 20, 0, 0, 0, 0 };
	const float *q = dist_forward(&h, logits, 1);
	assert_true(q[0] > 1.99f && q[1] < -1.99f);
	float s2[2] = { 0, 1 }, r1 = 1, one = 1, m[5];
	dist_targets(&h, s2, &r1, &one, &one, 1, m); /* a* = 1: mass at -2, moved to -1 */
	assert_true(fabs(m[1] - 1) < 1e-6);
	dist_head_release(&h);
}

/* ---- finite differences through network + head + loss, in double ---- */

#define FD_B 5
#define FD_NA 3

static void mlp_forward_f64(const struct mlp *m, const double *p, const float *x, int B, double *out)
{
	for (int r = 0; r < B; r++) {
		double a[2][256], *in = a[0];
		for (int k = 0; k < m->n_in; k++)
			in[k] = x[r * m->n_in + k];
		for (int l = 0; l < m->n_layers; l++) {
			const struct mlp_layer *L = &m->layer[l];
			double *o = l == m->n_layers - 1 ? out + (size_t)r * L->out : a[(l + 1) & 1];
			for (int j = 0; j < L->out; j++) {
				double s = p[L->b + j];
				for (int k = 0; k < L->in; k++)
					s += in[k] * p[L->w + (size_t)k * L->out + j];
				o[j] = l < m->n_layers - 1 && s < 0 ? 0 : s;
			}
			in = o;
		}
	}
}

struct fd_problem {
	enum dist_kind kind;
	int n, dueling;
	const float *x, *target, *weight;
	const int32_t *action;
};

/* The batch loss in double, written independently of distributional.c. */
static double head_loss_f64(const struct fd_problem *pb, const double *raw)
{
	const int n = pb->n, W = (FD_NA + pb->dueling) * n;
	double L = 0;
	for (int r = 0; r < FD_B; r++) {
		const double *row = raw + (size_t)r * W;
		double z[64];
		int a = pb->action[r];
		for (int i = 0; i < n; i++) {
			if (pb->dueling) {
				double mean = 0;
				for (int k = 0; k < FD_NA; k++)
					mean += row[n + k * n + i] / FD_NA;
				z[i] = row[i] + row[n + a * n + i] - mean;
			} else {
				z[i] = row[a * n + i];
			}
		}
		const float *m = pb->target + (size_t)r * n;
		double l = 0;
		if (pb->kind == DIST_C51) {
			double mx = z[0], s = 0;
			for (int i = 1; i < n; i++)
				mx = fmax(mx, z[i]);
			for (int i = 0; i < n; i++)
				s += exp(z[i] - mx);
			for (int i = 0; i < n; i++)
				l -= m[i] * (z[i] - mx - log(s));
		} else {
			for (int i = 0; i < n; i++)
				for (int j = 0; j < n; j++) {
					double u = m[j] - z[i], tau = (i + 0.5) / n;
					double h = fabs(u) <= 1 ? 0.5 * u * u : fabs(u) - 0.5;
					l += fabs(tau - (u < 0)) * h / n;
				}
		}
		L += (pb->weight ? pb->weight[r] : 1.0) * l;
	}
	return L / FD_B;
}

static void gradcheck_head(enum dist_kind kind, int dueling, int weighted)
{
	const int n = kind == DIST_C51 ? 7 : 5, W = dist_raw_width(FD_NA, n, dueling);
	int hidden[] = { 9, 6 };
	struct mlp m;
	assert_int_equal(mlp_init(&m, 3, hidden, 2, W, 0, FD_B, 1), 0);
	struct rng r;
	rng_seed(&r, 30 + kind * 4 + dueling * 2 + weighted);
	mlp_init_params(&m, &r);
	struct dist_head h;
	assert_int_equal(dist_head_init(&h, kind, FD_NA, n, dueling, -3, 3, 1, FD_B), 0);
	float x[FD_B * 3], target[FD_B * 7], weight[FD_B], draw[FD_B * 4 * 7], ps[FD_B];
	int32_t action[FD_B];
	for (int i = 0; i < FD_B * 3; i++)
		x[i] = (float)rng_uniform_range(&r, -2, 2);
	const float *raw = mlp_forward(&m, x, FD_B);
	dist_forward(&h, raw, FD_B);
	for (int b = 0; b < FD_B; b++) {
		action[b] = (int32_t)rng_below(&r, FD_NA);
		weight[b] = (float)rng_uniform_range(&r, 0.2, 1);
		double s = 0;
		for (int i = 0; i < n; i++) {
			float *t = &target[b * n + i];
			if (kind == DIST_C51) {
				s += *t = (float)rng_uniform(&r);
			} else { /* errors inside and outside the Huber zone, both signs */
				float th = h.z[((size_t)b * FD_NA + action[b]) * n + (n - 1 - i)];
				*t = th + (float)rng_uniform_range(&r, -3, 3);
			}
		}
		for (int i = 0; kind == DIST_C51 && i < n; i++)
			target[b * n + i] = (float)(target[b * n + i] / s);
	}
	struct fd_problem pb = { kind, n, dueling, x, target, weighted ? weight : NULL, action };
	double L = dist_loss(&h, action, target, pb.weight, FD_B, draw, ps);
	mlp_backward(&m, x, draw, FD_B);

	double *p = malloc(m.n_params * sizeof(double)), *num = malloc(m.n_params * sizeof(double)),
	       *ana = malloc(m.n_params * sizeof(double)), out[FD_B * 4 * 7];
	for (size_t i = 0; i < m.n_params; i++)
		p[i] = m.params[i];
	mlp_forward_f64(&m, p, x, FD_B, out);
	assert_true(fabs(head_loss_f64(&pb, out) - L) < 1e-5 * (1 + fabs(L)));
	const double step = 1e-6;
	for (size_t i = 0; i < m.n_params; i++) {
		double save = p[i];
		p[i] = save + step;
		mlp_forward_f64(&m, p, x, FD_B, out);
		double up = head_loss_f64(&pb, out);
		p[i] = save - step;
		mlp_forward_f64(&m, p, x, FD_B, out);
		double down = head_loss_f64(&pb, out);
		p[i] = save;
		num[i] = (up - down) / (2 * step);
		ana[i] = m.grads[i];
	}
	double scale = 0;
	for (size_t i = 0; i < m.n_params; i++)
		scale = fmax(scale, fabs(num[i]));
	assert_true(scale > 1e-3); /* not vacuous */
	assert_close_array("gradient", ana, num, m.n_params, 1e-4 * scale + 1e-6);
	free(p), free(num), free(ana);
	dist_head_release(&h);
	mlp_release(&m);
}

static void test_distributional__gradcheck_c51(void **state)
{
	(void)state;
	gradcheck_head(DIST_C51, 0, 0);
	gradcheck_head(DIST_C51, 0, 1);
}

static void test_distributional__gradcheck_c51_dueling(void **state)
{
	(void)state;
	gradcheck_head(DIST_C51, 1, 0);
	gradcheck_head(DIST_C51, 1, 1);
}

static void test_distributional__gradcheck_qr(void **state)
{
	(void)state;
	gradcheck_head(DIST_QR, 0, 0);
	gradcheck_head(DIST_QR, 0, 1);
	gradcheck_head(DIST_QR, 1, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distributional__projection_hand_cases),
		cmocka_unit_test(test_distributional__projection_conserves_mass),
		cmocka_unit_test(test_distributional__c51_values_and_cross_entropy),
		cmocka_unit_test(test_distributional__qr_loss_hand_values),
		cmocka_unit_test(test_distributional__qr_fast_equals_pairs),
		cmocka_unit_test(test_distributional__targets_pick_the_selected_action),
		cmocka_unit_test(test_distributional__gradcheck_c51),
		cmocka_unit_test(test_distributional__gradcheck_c51_dueling),
		cmocka_unit_test(test_distributional__gradcheck_qr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
