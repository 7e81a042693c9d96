/*
 * test_mlp.c - the MLP: BLAS kernels against their plain-C references,
 * whole-network forward/backward BLAS vs naive, gradients of every layer
 * type (linear+ReLU, linear output, dueling head) composed with every loss
 * (Huber, MSE, importance-weighted) against central finite differences of a
 * double-precision re-implementation, and PyTorch-style initialisation.
 */
#include "testutil.h"
#include "util.h"
#include "loss.h"
#include "mlp.h"

static void fill(float *v, size_t n, struct rng *r, double lo, double hi)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (float)rng_uniform_range(r, lo, hi);
}

/* Compares float arrays with a tolerance relative to the larger magnitude. */
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

static void test_mlp__kernels_match_naive(void **state)
{
	(void)state;
	static const int shapes[][3] = { { 1, 4, 64 }, { 5, 3, 7 }, { 64, 4, 64 }, { 64, 64, 64 },
					 { 33, 64, 2 }, { 128, 17, 256 }, { 64, 256, 3 } };
	struct rng r;
	rng_seed(&r, 1);
	for (size_t s = 0; s < ARRAY_SIZE(shapes); s++) {
		int B = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
		size_t nx = (size_t)B * in, nw = (size_t)in * out, nz = (size_t)B * out;
		float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc(out * 4);
		float *z1 = malloc(nz * 4), *z2 = malloc(nz * 4), *dz = malloc(nz * 4);
		float *dw1 = malloc(nw * 4), *dw2 = malloc(nw * 4), *db1 = malloc(out * 4),
		      *db2 = malloc(out * 4), *dx1 = malloc(nx * 4), *dx2 = malloc(nx * 4);
		fill(x, nx, &r, -1, 1);
		for (size_t i = 0; i < nx; i += 3)
			x[i] = 0.0f; /* exact zeros: the ReLU mask must drop them */
		fill(w, nw, &r, -1, 1);
		fill(b, out, &r, -1, 1);
		fill(dz, nz, &r, -1, 1);
		for (int relu = 0; relu < 2; relu++) {
			linear_forward(x, w, b, z1, B, in, out, relu);
			linear_forward_naive(x, w, b, z2, B, in, out, relu);
			assert_close_f("forward", z1, z2, nz, 1e-5);
		}
		linear_backward(x, dz, w, dw1, db1, dx1, B, in, out);
		float *wt = malloc(nw * 4);
		linear_backward_naive(x, dz, w, dw2, db2, dx2, wt, B, in, out);
		free(wt);
		assert_close_f("dw", dw1, dw2, nw, 1e-5);
		assert_close_f("db", db1, db2, out, 1e-5);
		assert_close_f("dx", dx1, dx2, nx, 1e-5);
		for (size_t i = 0; i < nx; i += 3)
			assert_true(dx1[i] == 0.0f);
		free(x), free(w), free(b), free(z1), free(z2), free(dz);
		free(dw1), free(dw2), free(db1), free(db2), free(dx1), free(dx2);
	}
}

/*
 * The plain-C kernels (portable mode) give exactly the bits of the textbook
 * triple loops below, summing in index order from 0.0f without FMA, whatever
 * vector unit the CPU has.
 */
static void textbook(const float *x, const float *w, const float *b, const float *dz, float *z,
		     float *dw, float *db, float *dx, int B, int in, int out)
{
	for (int r = 0; r < B; r++)
		for (int j = 0; j < out; j++) {
			float s = 0.0f;
			for (int k = 0; k < in; k++)
				s += x[r * in + k] * w[k * out + j];
			s += b[j];
			z[r * out + j] = s > 0.0f ? s : 0.0f;
		}
	for (int k = 0; k < in; k++)
		for (int j = 0; j < out; j++) {
			float s = 0.0f;
			for (int r = 0; r < B; r++)
				s += x[r * in + k] * dz[r * out + j];
			dw[k * out + j] = s;
		}
	for (int j = 0; j < out; j++) {
		float s = 0.0f;
		for (int r = 0; r < B; r++)
			s += dz[r * out + j];
		db[j] = s;
	}
	for (int r = 0; r < B; r++)
		for (int k = 0; k < in; k++) {
			float s = 0.0f;
			for (int j = 0; j < out; j++)
				s += dz[r * out + j] * w[k * out + j];
			dx[r * in + k] = x[r * in + k] > 0.0f ? s : 0.0f;
		}
}

static void test_mlp__naive_bits_are_textbook(void **state)
{
	(void)state;
	static const int shapes[][3] = { { 1, 4, 64 }, { 64, 64, 64 }, { 33, 17, 3 }, { 64, 256, 256 } };
	struct rng r;
	rng_seed(&r, 6);
	for (size_t s = 0; s < ARRAY_SIZE(shapes); s++) {
		int B = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
		size_t nx = (size_t)B * in, nw = (size_t)in * out, nz = (size_t)B * out;
		float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc(out * 4), *dz = malloc(nz * 4);
		float *z[2], *dw[2], *db[2], *dx[2], *wt = malloc(nw * 4);
		for (int i = 0; i < 2; i++) {
			z[i] = malloc(nz * 4), dw[i] = malloc(nw * 4), db[i] = malloc(out * 4);
			dx[i] = malloc(nx * 4);
		}
		fill(x, nx, &r, -1, 1);
		for (size_t i = 0; i < nx; i += 4)
			x[i] = 0.0f;
		fill(w, nw, &r, -1, 1);
		fill(b, out, &r, -1, 1);
		fill(dz, nz, &r, -1, 1);
		textbook(x, w, b, dz, z[0], dw[0], db[0], dx[0], B, in, out);
		linear_forward_naive(x, w, b, z[1], B, in, out, 1);
		linear_backward_naive(x, dz, w, dw[1], db[1], dx[1], wt, B, in, out);
		assert_memory_equal(z[0], z[1], nz * 4);
		assert_memory_equal(dw[0], dw[1], nw * 4);
		assert_memory_equal(db[0], db[1], out * 4);
		assert_memory_equal(dx[0], dx[1], nx * 4);
		for (int i = 0; i < 2; i++)
			free(z[i]), free(dw[i]), free(db[i]), free(dx[i]);
		free(x), free(w), free(b), free(dz), free(wt);
	}
}

/* The whole network through BLAS and through the naive kernels. */
static void test_mlp__network_matches_naive(void **state)
{
	(void)state;
	for (int dueling = 0; dueling < 2; dueling++) {
		int hidden[] = { 64, 32, 48 };
		struct mlp a, b;
		assert_int_equal(mlp_init(&a, 6, hidden, 3, 4, dueling, 40, 1), 0);
		assert_int_equal(mlp_init(&b, 6, hidden, 3, 4, dueling, 40, 1), 0);
		b.naive = 1;
		struct rng r;
		rng_seed(&r, 2);
		mlp_init_params(&a, &r);
		memcpy(b.params, a.params, a.n_params * sizeof(float));
		float x[40 * 6], dq[40 * 4];
		fill(x, ARRAY_SIZE(x), &r, -2, 2);
		fill(dq, ARRAY_SIZE(dq), &r, -1, 1);
		const float *qa = mlp_forward(&a, x, 40), *qb = mlp_forward(&b, x, 40);
		assert_close_f("q", qa, qb, 40 * 4, 1e-5);
		mlp_backward(&a, x, dq, 40);
		mlp_backward(&b, x, dq, 40);
		assert_close_f("grads", a.grads, b.grads, a.n_params, 1e-5);
		mlp_release(&a);
		mlp_release(&b);
	}
}

/* ---- double-precision reference network for the finite differences ---- */

static void forward_f64(const struct mlp *m, const double *p, const float *x, int B, double *q)
{
	double buf[2][64 * 16];
	for (int r = 0; r < B; r++) {
		const double *in = NULL;
		double xin[16];
		for (int k = 0; k < m->n_in; k++)
			xin[k] = x[r * m->n_in + k];
		in = xin;
		for (int l = 0; l < m->n_layers; l++) {
			const struct mlp_layer *L = &m->layer[l];
			double *o = buf[l & 1];
			for (int j = 0; j < L->out; j++) {
				double s = p[L->b + j];
				for (int k = 0; k < L->in; k++)
					s += in[k] * p[L->w + (size_t)k * L->out + j];
				o[j] = l < m->n_layers - 1 && s < 0 ? 0 : s;
			}
			in = o;
		}
		int n = m->n_out;
		if (m->dueling) {
			double mean = 0;
			for (int j = 0; j < n; j++)
				mean += in[1 + j];
			mean /= n;
			for (int j = 0; j < n; j++)
				q[r * n + j] = in[0] + in[1 + j] - mean;
		} else {
			for (int j = 0; j < n; j++)
				q[r * n + j] = in[j];
		}
	}
}

struct problem {
	int B, kind; /* kind: 0 linear functional sum c*Q, 1 Huber, 2 MSE */
	const float *x;
	const float *c;      /* (B, n_out) coefficients of the linear functional */
	const int *action;   /* (B) */
	const float *target; /* (B) */
	const float *weight; /* (B) or NULL */
};

static double objective_f64(const struct mlp *m, const double *p, const struct problem *pb)
{
	double q[64 * 8], L = 0;
	forward_f64(m, p, pb->x, pb->B, q);
	for (int r = 0; r < pb->B; r++) {
		if (pb->kind == 0) {
			for (int j = 0; j < m->n_out; j++)
				L += pb->c[r * m->n_out + j] * q[r * m->n_out + j];
		} else {
			double dl, w = pb->weight ? pb->weight[r] : 1.0;
			L += w * loss_elem(pb->kind == 1 ? LOSS_HUBER : LOSS_MSE,
					   q[r * m->n_out + pb->action[r]] - pb->target[r], &dl);
		}
	}
	return pb->kind == 0 ? L : L / pb->B;
}

/* Analytic gradient (float network + loss_compute) against central differences. */
static void gradcheck(int dueling, int kind, int weighted)
{
	int hidden[] = { 7, 5 };
	struct mlp m;
	const int B = 6, nin = 3, nout = 3;
	assert_int_equal(mlp_init(&m, nin, hidden, 2, nout, dueling, B, 1), 0);
	struct rng r;
	rng_seed(&r, 100 + dueling * 10 + kind * 2 + weighted);
	mlp_init_params(&m, &r);
	float x[6 * 3], c[6 * 3], target[6], weight[6], pred[6], dl[6], dq[6 * 3];
	int action[6];
	fill(x, ARRAY_SIZE(x), &r, -2, 2);
	fill(c, ARRAY_SIZE(c), &r, -1, 1);
	fill(weight, 6, &r, 0.2, 1);
	for (int i = 0; i < B; i++)
		action[i] = (int)rng_below(&r, nout);
	const float *q = mlp_forward(&m, x, B);
	/* targets put some errors inside and some outside Huber's quadratic zone */
	for (int i = 0; i < B; i++)
		target[i] = q[i * nout + action[i]] + (i % 2 ? 0.3f : 2.5f) * (i % 3 ? 1 : -1);
	struct problem pb = { B, kind, x, c, action, target, weighted ? weight : NULL };
	if (kind == 0) {
		memcpy(dq, c, sizeof(dq));
	} else {
		for (int i = 0; i < B; i++)
			pred[i] = q[i * nout + action[i]];
		loss_compute(kind == 1 ? LOSS_HUBER : LOSS_MSE, pred, target, pb.weight, B, dl);
		memset(dq, 0, sizeof(dq));
		for (int i = 0; i < B; i++)
			dq[i * nout + action[i]] = dl[i];
	}
	mlp_backward(&m, x, dq, B);

	double *p = malloc(m.n_params * sizeof(double)), *num = malloc(m.n_params * sizeof(double)),
	       *ana = malloc(m.n_params * sizeof(double));
	for (size_t i = 0; i < m.n_params; i++)
		p[i] = m.params[i];
	const double h = 1e-6;
	for (size_t i = 0; i < m.n_params; i++) {
		double save = p[i];
		p[i] = save + h;
		double up = objective_f64(&m, p, &pb);
		p[i] = save - h;
		double down = objective_f64(&m, p, &pb);
		p[i] = save;
		num[i] = (up - down) / (2 * h);
		ana[i] = m.grads[i];
	}
	double scale = 0;
	for (size_t i = 0; i < m.n_params; i++)
		scale = fmax(scale, fabs(num[i]));
	assert_true(scale > 1e-3); /* the check is not vacuous */
	assert_close_array("gradient", ana, num, m.n_params, 2e-5 * scale + 1e-6);
	free(p);
	free(num);
	free(ana);
	mlp_release(&m);
}

static void test_mlp__gradcheck_linear_relu(void **state)
{
	(void)state;
	gradcheck(0, 0, 0);
}

static void test_mlp__gradcheck_dueling(void **state)
{
	(void)state;
	gradcheck(1, 0, 0);
}

static void test_mlp__gradcheck_huber(void **state)
{
	(void)state;
	gradcheck(0, 1, 0);
	gradcheck(1, 1, 0);
}

static void test_mlp__gradcheck_mse(void **state)
{
	(void)state;
	gradcheck(0, 2, 0);
	gradcheck(1, 2, 0);
}

static void test_mlp__gradcheck_weighted(void **state)
{
	(void)state;
	gradcheck(0, 1, 1);
	gradcheck(1, 2, 1);
}

/* Forward on 2B rows then backward on B equals forward and backward on B. */
static void test_mlp__backward_on_leading_rows(void **state)
{
	(void)state;
	int hidden[] = { 16, 16 };
	struct mlp a;
	assert_int_equal(mlp_init(&a, 4, hidden, 2, 2, 0, 20, 1), 0);
	struct rng r;
	rng_seed(&r, 3);
	mlp_init_params(&a, &r);
	float x[20 * 4], dq[10 * 2];
	fill(x, 80, &r, -1, 1);
	fill(dq, 20, &r, -1, 1);
	mlp_forward(&a, x, 10);
	mlp_backward(&a, x, dq, 10);
	float *g1 = malloc(a.n_params * sizeof(float));
	memcpy(g1, a.grads, a.n_params * sizeof(float));
	/*
	 * Rows beyond the first 10 must not leak into the gradients. Not a bit
	 * comparison: OpenBLAS may sum a row's products in another order when
	 * the matrix has more rows (its Haswell kernels do, at 10 and 20).
	 */
	mlp_forward(&a, x, 20);
	mlp_backward(&a, x, dq, 10);
	for (size_t i = 0; i < a.n_params; i++)
		assert_true(fabsf(g1[i] - a.grads[i]) <= 1e-5f * (1.0f + fabsf(g1[i])));
	/* and the naive kernels, which sum in one fixed order, agree bit for bit */
	a.naive = 1;
	mlp_forward(&a, x, 10);
	mlp_backward(&a, x, dq, 10);
	memcpy(g1, a.grads, a.n_params * sizeof(float));
	mlp_forward(&a, x, 20);
	mlp_backward(&a, x, dq, 10);
	assert_memory_equal(g1, a.grads, a.n_params * sizeof(float));
	free(g1);
	mlp_release(&a);
}

/* nn.Linear's default: every W and b of layer l in (-1/sqrt(in), 1/sqrt(in)), uniform. */
static void test_mlp__init_like_pytorch(void **state)
{
	(void)state;
	int hidden[] = { 256, 64 };
	struct mlp m, m2;
	assert_int_equal(mlp_init(&m, 16, hidden, 2, 5, 1, 1, 0), 0);
	assert_int_equal(mlp_init(&m2, 16, hidden, 2, 5, 1, 1, 0), 0);
	assert_null(m.grads);
	assert_int_equal(m.n_params, 16 * 256 + 256 + 256 * 64 + 64 + 64 * 6 + 6);
	assert_int_equal(m.layer[2].out, 6); /* dueling: V and 5 advantages */
	struct rng r, r2;
	rng_seed(&r, 9);
	rng_seed(&r2, 9);
	mlp_init_params(&m, &r);
	mlp_init_params(&m2, &r2);
	assert_memory_equal(m.params, m2.params, m.n_params * sizeof(float));
	for (int l = 0; l < m.n_layers; l++) {
		const struct mlp_layer *L = &m.layer[l];
		double k = 1 / sqrt(L->in), s = 0, s2 = 0;
		size_t n = (size_t)L->in * L->out + L->out;
		for (size_t i = 0; i < n; i++) {
			double v = m.params[L->w + i];
			assert_true(fabs(v) <= k);
			s += v;
			s2 += v * v;
		}
		/* mean 0 and variance k^2/3, within 6 standard errors */
		double mean = s / n, var = s2 / n;
		assert_true(fabs(mean) < 6 * k / sqrt(3.0 * n));
		assert_true(fabs(var - k * k / 3) < 6 * k * k * sqrt(4.0 / 45 / n));
	}
	mlp_release(&m);
	mlp_release(&m2);
	assert_int_equal(mlp_init(&m, 0, hidden, 2, 5, 0, 1, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlp__kernels_match_naive),
		cmocka_unit_test(test_mlp__naive_bits_are_textbook),
		cmocka_unit_test(test_mlp__network_matches_naive),
		cmocka_unit_test(test_mlp__gradcheck_linear_relu),
		cmocka_unit_test(test_mlp__gradcheck_dueling),
		cmocka_unit_test(test_mlp__gradcheck_huber),
		cmocka_unit_test(test_mlp__gradcheck_mse),
		cmocka_unit_test(test_mlp__gradcheck_weighted),
		cmocka_unit_test(test_mlp__backward_on_leading_rows),
		cmocka_unit_test(test_mlp__init_like_pytorch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
