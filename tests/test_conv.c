/*
 * test_conv.c - the convolution layer (conv.h): output shapes and refused
 * shapes, the BLAS kernels against the plain-C reference, the reference's
 * bits against a textbook loop in the documented summation order, and every
 * gradient (dw, db, dx) against central finite differences of a
 * double-precision re-implementation.
 */
#include "testutil.h"
#include "rng.h"
#include "util.h"
#include "conv.h"
#include "mlp.h"

static void fill(float *v, size_t n, struct rng *r, double lo, double hi)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (float)rng_uniform_range(r, lo, hi);
}

static void assert_close_f(const char *what, const float *got, const float *want, size_t n,
			   double rtol)
{
	double *g = malloc(n * sizeof(double)), *w = malloc(n * sizeof(double));
	double scale = 1e-6;
	for (size_t i = 0; i < n; i++) {
		g[i] = got[i];
		w[i] = want[i];
		if (fabs(w[i]) > scale)
			scale = fabs(w[i]);
	}
	assert_close_array(what, g, w, n, rtol * scale);
	free(g);
	free(w);
}

static void test_conv__shapes(void **state)
{
	(void)state;
	struct conv_shape s;
	assert_int_equal(conv_shape_init(&s, 4, 10, 10, 16, 3, 1), 0);
	assert_int_equal(s.Ho, 8);
	assert_int_equal(s.Wo, 8);
	assert_int_equal(conv_out_size(&s), 16 * 8 * 8);
	assert_int_equal(conv_w_size(&s), 16 * 4 * 3 * 3);
	assert_true(conv_macs_per_row(&s) == 16.0 * 36 * 64);
	assert_int_equal(conv_shape_init(&s, 2, 10, 7, 3, 3, 2), 0);
	assert_int_equal(s.Ho, 4);
	assert_int_equal(s.Wo, 3);
	assert_int_equal(conv_shape_init(&s, 1, 5, 5, 1, 5, 3), 0);
	assert_int_equal(s.Ho, 1);
	assert_int_equal(s.Wo, 1);
	assert_int_equal(conv_shape_init(&s, 1, 4, 6, 2, 5, 1), -1); /* kernel taller than input */
	assert_int_equal(conv_shape_init(&s, 0, 4, 4, 2, 3, 1), -1);
	assert_int_equal(conv_shape_init(&s, 1, 4, 4, 2, 3, 0), -1);
	assert_int_equal(conv_shape_init(&s, 1, 4, 4, 0, 3, 1), -1);
}

/* Shapes (B, C, H, W, F, K, S): MinAtar's, strided, 1x1, full-size kernel, odd sizes. */
static const int shapes[][7] = { { 32, 4, 10, 10, 16, 3, 1 }, { 32, 10, 10, 10, 16, 3, 1 },
				 { 3, 2, 9, 7, 5, 3, 2 },     { 5, 3, 6, 6, 4, 1, 1 },
				 { 2, 3, 5, 5, 7, 5, 1 },     { 7, 16, 8, 8, 8, 3, 1 },
				 { 1, 1, 11, 11, 2, 4, 3 } };

static void test_conv__blas_matches_naive(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 11);
	for (size_t k = 0; k < ARRAY_SIZE(shapes); k++) {
		const int *p = shapes[k];
		struct conv_shape s;
		assert_int_equal(conv_shape_init(&s, p[1], p[2], p[3], p[4], p[5], p[6]), 0);
		int B = p[0];
		size_t nx = B * conv_in_size(&s), nz = B * conv_out_size(&s), nw = conv_w_size(&s);
		float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc(s.F * 4);
		float *z1 = malloc(nz * 4), *z2 = malloc(nz * 4), *g = malloc(nz * 4);
		float *dz1 = malloc(nz * 4), *dz2 = malloc(nz * 4);
		float *dw1 = malloc(nw * 4), *dw2 = malloc(nw * 4), *db1 = malloc(s.F * 4),
		      *db2 = malloc(s.F * 4), *dx1 = malloc(nx * 4), *dx2 = malloc(nx * 4);
		float *work = malloc(conv_work_size(&s, B) * 4);
		fill(x, nx, &r, 0, 1);
		for (size_t i = 0; i < nx; i += 2)
			x[i] = 0.0f; /* binary-ish images as MinAtar's */
		fill(w, nw, &r, -0.5, 0.5);
		fill(b, s.F, &r, -0.3, 0.3);
		fill(g, nz, &r, -1, 1);
		conv_forward(&s, x, w, b, z1, B, work);
		conv_forward_naive(&s, x, w, b, z2, B);
		assert_close_f("forward", z1, z2, nz, 1e-5);
		size_t zeros = 0;
		for (size_t i = 0; i < nz; i++)
			zeros += z2[i] == 0.0f;
		assert_true(zeros > 0 && zeros < nz); /* the ReLU is exercised both ways */
		memcpy(dz1, g, nz * 4);
		memcpy(dz2, g, nz * 4);
		conv_backward(&s, x, z1, dz1, w, dw1, db1, dx1, B, work);
		conv_backward_naive(&s, x, z2, dz2, w, dw2, db2, dx2, B);
		assert_close_f("dw", dw1, dw2, nw, 1e-5);
		assert_close_f("db", db1, db2, s.F, 1e-5);
		assert_close_f("dx", dx1, dx2, nx, 1e-5);
		for (size_t i = 0; i < nz; i++) /* masked in place by z > 0 */
			assert_true(dz2[i] == (z2[i] > 0.0f ? g[i] : 0.0f));
		/* no dx: the same dw */
		memcpy(dz1, g, nz * 4);
		conv_backward(&s, x, z1, dz1, w, dw2, db2, NULL, B, work);
		assert_memory_equal(dw1, dw2, nw * 4);
		free(x), free(w), free(b), free(z1), free(z2), free(g), free(dz1), free(dz2);
		free(dw1), free(dw2), free(db1), free(db2), free(dx1), free(dx2), free(work);
	}
}

/* The reference kernel's forward bits: c, ky, kx in order from 0.0f, then the bias. */
static void test_conv__naive_bits_are_textbook(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 12);
	for (size_t k = 0; k < ARRAY_SIZE(shapes); k++) {
		const int *p = shapes[k];
		struct conv_shape s;
		conv_shape_init(&s, p[1], p[2], p[3], p[4], p[5], p[6]);
		int B = p[0];
		size_t nx = B * conv_in_size(&s), nz = B * conv_out_size(&s), nw = conv_w_size(&s);
		float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc(s.F * 4);
		float *z1 = malloc(nz * 4), *z2 = malloc(nz * 4);
		fill(x, nx, &r, -1, 1);
		fill(w, nw, &r, -1, 1);
		fill(b, s.F, &r, -1, 1);
		conv_forward_naive(&s, x, w, b, z1, B);
		for (int n = 0; n < B; n++)
			for (int f = 0; f < s.F; f++)
				for (int oy = 0; oy < s.Ho; oy++)
					for (int ox = 0; ox < s.Wo; ox++) {
						float acc = 0.0f;
						for (int c = 0; c < s.C; c++)
							for (int ky = 0; ky < s.K; ky++)
								for (int kx = 0; kx < s.K; kx++)
									acc += x[((n * s.C + c) * s.H + oy * s.S + ky) * s.W + ox * s.S + kx] *
									       w[((f * s.C + c) * s.K + ky) * s.K + kx];
						acc += b[f];
						z2[((n * s.F + f) * s.Ho + oy) * s.Wo + ox] = acc > 0.0f ? acc : 0.0f;
					}
		assert_memory_equal(z1, z2, nz * 4);
		free(x), free(w), free(b), free(z1), free(z2);
	}
}

/* L = sum g * relu(conv(x, w) + b) in double. */
static double loss_f64(const struct conv_shape *s, const double *x, const double *w,
		       const double *b, const float *g, int B)
{
	double L = 0;
	for (int n = 0; n < B; n++)
		for (int f = 0; f < s->F; f++)
			for (int oy = 0; oy < s->Ho; oy++)
				for (int ox = 0; ox < s->Wo; ox++) {
					double acc = b[f];
					for (int c = 0; c < s->C; c++)
						for (int ky = 0; ky < s->K; ky++)
							for (int kx = 0; kx < s->K; kx++)
								acc += x[((n * s->C + c) * s->H + oy * s->S + ky) * s->W + ox * s->S + kx] *
								       w[((f * s->C + c) * s->K + ky) * s->K + kx];
					if (acc > 0)
						L += g[((n * s->F + f) * s->Ho + oy) * s->Wo + ox] * acc;
				}
	return L;
}

/* Central differences of every parameter and input against both kernels' gradients. */
static void test_conv__gradients_finite_differences(void **state)
{
	(void)state;
	static const int small[][7] = { { 2, 2, 5, 5, 3, 3, 1 }, { 2, 3, 7, 6, 2, 3, 2 },
					{ 1, 2, 4, 4, 2, 1, 1 } };
	struct rng r;
	rng_seed(&r, 13);
	for (size_t k = 0; k < ARRAY_SIZE(small); k++) {
		const int *p = small[k];
		struct conv_shape s;
		conv_shape_init(&s, p[1], p[2], p[3], p[4], p[5], p[6]);
		int B = p[0];
		size_t nx = B * conv_in_size(&s), nz = B * conv_out_size(&s), nw = conv_w_size(&s);
		float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc(s.F * 4), *g = malloc(nz * 4);
		float *z = malloc(nz * 4), *dz = malloc(nz * 4), *work = malloc(conv_work_size(&s, B) * 4);
		float *dw = malloc(nw * 4), *db = malloc(s.F * 4), *dx = malloc(nx * 4);
		double *xd = malloc(nx * 8), *wd = malloc(nw * 8), *bd = malloc(s.F * 8);
		double *num = malloc((nw + s.F + nx) * 8), *ana = malloc((nw + s.F + nx) * 8);
		fill(x, nx, &r, -1, 1);
		fill(w, nw, &r, -1, 1);
		fill(b, s.F, &r, -0.5, 0.5);
		fill(g, nz, &r, -1, 1);
		for (size_t i = 0; i < nx; i++)
			xd[i] = x[i];
		for (size_t i = 0; i < nw; i++)
			wd[i] = w[i];
		for (int i = 0; i < s.F; i++)
			bd[i] = b[i];
		const double h = 1e-6;
		double *blocks[3] = { wd, bd, xd };
		size_t lens[3] = { nw, (size_t)s.F, nx }, o = 0;
		for (int blk = 0; blk < 3; blk++)
			for (size_t i = 0; i < lens[blk]; i++, o++) {
				double keep = blocks[blk][i];
				blocks[blk][i] = keep + h;
				double lp = loss_f64(&s, xd, wd, bd, g, B);
				blocks[blk][i] = keep - h;
				double lm = loss_f64(&s, xd, wd, bd, g, B);
				blocks[blk][i] = keep;
				num[o] = (lp - lm) / (2 * h);
			}
		for (int naive = 0; naive < 2; naive++) {
			memcpy(dz, g, nz * 4);
			if (naive) {
				conv_forward_naive(&s, x, w, b, z, B);
				conv_backward_naive(&s, x, z, dz, w, dw, db, dx, B);
			} else {
				conv_forward(&s, x, w, b, z, B, work);
				conv_backward(&s, x, z, dz, w, dw, db, dx, B, work);
			}
			o = 0;
			for (size_t i = 0; i < nw; i++)
				ana[o++] = dw[i];
			for (int i = 0; i < s.F; i++)
				ana[o++] = db[i];
			for (size_t i = 0; i < nx; i++)
				ana[o++] = dx[i];
			assert_close_array(naive ? "naive gradients" : "blas gradients", ana, num, o, 1e-4);
		}
		free(x), free(w), free(b), free(g), free(z), free(dz), free(work), free(dw), free(db);
		free(dx), free(xd), free(wd), free(bd), free(num), free(ana);
	}
}

/* conv layer in double: y (F, Ho, Wo) = relu(conv(x) + b) for one row. */
static void conv_row_f64(const struct conv_shape *s, const double *x, const double *w,
			 const double *b, double *y)
{
	for (int f = 0; f < s->F; f++)
		for (int oy = 0; oy < s->Ho; oy++)
			for (int ox = 0; ox < s->Wo; ox++) {
				double acc = b[f];
				for (int c = 0; c < s->C; c++)
					for (int ky = 0; ky < s->K; ky++)
						for (int kx = 0; kx < s->K; kx++)
							acc += x[(c * s->H + oy * s->S + ky) * s->W + ox * s->S + kx] *
							       w[((f * s->C + c) * s->K + ky) * s->K + kx];
				y[(f * s->Ho + oy) * s->Wo + ox] = acc > 0 ? acc : 0;
			}
}

/* sum_ij dq_ij Q_ij of the conv network with parameters p, in double. */
static double net_loss_f64(const struct mlp *m, const double *p, const float *x, const float *dq,
			   int B)
{
	double L = 0, a[2][512];
	for (int r = 0; r < B; r++) {
		for (int i = 0; i < m->n_in; i++)
			a[0][i] = x[r * m->n_in + i];
		int cur = 0;
		for (int i = 0; i < m->n_conv; i++, cur ^= 1)
			conv_row_f64(&m->conv[i].s, a[cur], p + m->conv[i].w, p + m->conv[i].b, a[cur ^ 1]);
		for (int l = 0; l < m->n_layers; l++, cur ^= 1) {
			const struct mlp_layer *Ll = &m->layer[l];
			for (int j = 0; j < Ll->out; j++) {
				double acc = p[Ll->b + j];
				for (int k = 0; k < Ll->in; k++)
					acc += a[cur][k] * p[Ll->w + (size_t)k * Ll->out + j];
				a[cur ^ 1][j] = l < m->n_layers - 1 && acc < 0 ? 0 : acc;
			}
		}
		for (int j = 0; j < m->n_out; j++)
			L += dq[r * m->n_out + j] * a[cur][j];
	}
	return L;
}

/*
 * A network with a two-layer conv trunk: BLAS against naive, every gradient
 * (conv and linear) against finite differences, and the parameter layout
 * (conv blocks first, initialisation bounds 1/sqrt(C K K)).
 */
static void test_conv__network_gradients(void **state)
{
	(void)state;
	const int conv[2][3] = { { 3, 3, 1 }, { 4, 2, 1 } }, hidden[] = { 6 };
	const int B = 3, C = 2, H = 6, W = 5, nA = 3;
	struct mlp a, b;
	assert_int_equal(mlp_init_conv(&a, C, H, W, conv, 2, hidden, 1, nA, 0, B, 1), 0);
	assert_int_equal(mlp_init_conv(&b, C, H, W, conv, 2, hidden, 1, nA, 0, B, 1), 0);
	b.naive = 1;
	/* conv0 (3, 2, 3, 3) + 3, conv1 (4, 3, 2, 2) + 4, linear (4*3*2 -> 6) + 6, (6 -> 3) + 3 */
	assert_int_equal(a.conv[1].w, 54 + 3);
	assert_int_equal(a.layer[0].in, 24);
	assert_int_equal(a.layer[0].w, 57 + 48 + 4);
	assert_int_equal(a.n_params, 57 + 52 + 24 * 6 + 6 + 18 + 3);
	struct rng r;
	rng_seed(&r, 14);
	mlp_init_params(&a, &r);
	for (size_t i = 0; i < 54; i++)
		assert_true(fabsf(a.params[i]) <= 1.0f / sqrtf(18.0f));
	memcpy(b.params, a.params, a.n_params * sizeof(float));
	float x[3 * 60], dq[3 * 3];
	fill(x, ARRAY_SIZE(x), &r, -1, 1);
	fill(dq, ARRAY_SIZE(dq), &r, -1, 1);
	const float *qa = mlp_forward(&a, x, B), *qb = mlp_forward(&b, x, B);
	assert_close_f("q", qa, qb, B * nA, 1e-5);
	mlp_backward(&a, x, dq, B);
	mlp_backward(&b, x, dq, B);
	assert_close_f("grads", a.grads, b.grads, a.n_params, 1e-5);
	double *p = malloc(a.n_params * 8), *num = malloc(a.n_params * 8), *ana = malloc(a.n_params * 8);
	for (size_t i = 0; i < a.n_params; i++)
		p[i] = a.params[i];
	const double h = 1e-6;
	for (size_t i = 0; i < a.n_params; i++) {
		double keep = p[i];
		p[i] = keep + h;
		double lp = net_loss_f64(&a, p, x, dq, B);
		p[i] = keep - h;
		double lm = net_loss_f64(&a, p, x, dq, B);
		p[i] = keep;
		num[i] = (lp - lm) / (2 * h);
		ana[i] = a.grads[i];
	}
	assert_close_array("network gradients", ana, num, a.n_params, 1e-4);
	size_t nonzero = 0;
	for (size_t i = 0; i < 54; i++)
		nonzero += a.grads[i] != 0.0f;
	assert_true(nonzero > 27); /* the first conv layer does get gradient */
	/* a forward on 2B rows then a backward on the first B (Double DQN's order) */
	struct mlp c2;
	assert_int_equal(mlp_init_conv(&c2, C, H, W, conv, 2, hidden, 1, nA, 0, 2 * B, 1), 0);
	memcpy(c2.params, a.params, a.n_params * sizeof(float));
	float x2[6 * 60];
	memcpy(x2, x, sizeof(x));
	fill(x2 + 3 * 60, 3 * 60, &r, -1, 1);
	mlp_forward(&c2, x2, 2 * B);
	mlp_backward(&c2, x2, dq, B);
	assert_close_f("grads after a 2B-row forward", c2.grads, a.grads, a.n_params, 1e-6);
	mlp_release(&c2);
	free(p), free(num), free(ana);
	mlp_release(&a);
	mlp_release(&b);
	const int bad[1][3] = { { 4, 7, 1 } };
	assert_int_equal(mlp_init_conv(&a, C, H, W, bad, 1, hidden, 1, nA, 0, B, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv__shapes),
		cmocka_unit_test(test_conv__blas_matches_naive),
		cmocka_unit_test(test_conv__naive_bits_are_textbook),
		cmocka_unit_test(test_conv__gradients_finite_differences),
		cmocka_unit_test(test_conv__network_gradients),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
