/*
 * test_noisy.c - factorised Gaussian noisy layers (noisy.h):
 *   - the Gaussian draws have mean 0 and variance 1, f(e) = sgn(e) sqrt|e|
 *     mean 0 and variance E|e| = sqrt(2/pi), the factorised weight noise
 *     f(e_i) f(e_j) mean 0 and variance 2/pi (all within 6 standard errors);
 *   - a draw's effective weights are mu + sigma * (rank-one noise): every
 *     2x2 minor of (W - mu) / sigma vanishes, the bias noise is f(e_out);
 *   - initialisation: mu the network's nn.Linear draws, sigma = 0.5/sqrt(in);
 *   - the same generator state gives the same draw, the mean network is mu;
 *   - finite-difference gradients of a loss with respect to mu and sigma
 *     (fixed draw) against a double-precision re-implementation;
 *   - a conv trunk is not noisy: a draw gives it its current mu.
 */
#include "testutil.h"
#include "util.h"
#include "noisy.h"

static void test_noisy__noise_statistics(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 21);
	const int n = 200000;
	double s = 0, s2 = 0, f1 = 0, f2 = 0, p1 = 0, p2 = 0, prev = 0;
	for (int i = 0; i < n; i++) {
		double e = noisy_gaussian(&r), f = noisy_f(e);
		s += e, s2 += e * e;
		f1 += f, f2 += f * f;
		if (i % 2) { /* products of independent pairs */
			double pr = prev * f;
			p1 += pr, p2 += pr * pr;
		}
		prev = f;
	}
	double m = s / n, v = s2 / n - m * m;
	assert_true(fabs(m) < 6 / sqrt(n));
	assert_true(fabs(v - 1) < 6 * sqrt(2.0 / n));
	double fm = f1 / n, fv = f2 / n - fm * fm, ea = sqrt(2 / M_PI);
	assert_true(fabs(fm) < 6 * sqrt(ea / n));
	assert_true(fabs(fv - ea) < 6 * sqrt((1 - ea * ea) / n)); /* Var f^2 = Var|e| = 1 - 2/pi */
	double np = n / 2, pm = p1 / np, pv = p2 / np - pm * pm;
	assert_true(fabs(pm) < 6 * sqrt(2 / M_PI / np));
	/* Var (f f')^2 = E e^2 E e'^2 - (2/pi)^2 = 1 - 4/pi^2 */
	assert_true(fabs(pv - 2 / M_PI) < 6 * sqrt((1 - 4 / (M_PI * M_PI)) / np));
	/* f itself */
	assert_true(noisy_f(4) == 2.0f && noisy_f(-0.25) == -0.5f && noisy_f(0) == 0.0f);
}

static void test_noisy__factorised_draws_and_init(void **state)
{
	(void)state;
	int hidden[] = { 6 };
	struct mlp m;
	assert_int_equal(mlp_init(&m, 4, hidden, 1, 3, 0, 2, 1), 0);
	struct rng r, r2;
	rng_seed(&r, 5);
	mlp_init_params(&m, &r);
	float *init = malloc(m.n_params * sizeof(float));
	memcpy(init, m.params, m.n_params * sizeof(float));
	struct noisy z;
	noisy_init(&z, &m);
	noisy_init_params(&z, 0.5);
	assert_memory_equal(z.params, init, m.n_params * sizeof(float)); /* mu: nn.Linear's draw */
	for (int l = 0; l < m.n_layers; l++) {
		const struct mlp_layer *L = &m.layer[l];
		for (size_t i = 0; i < (size_t)L->in * L->out + L->out; i++)
			assert_true(z.params[z.n + L->w + i] == (float)(0.5 / sqrt(L->in)));
	}
	rng_seed(&r, 77);
	r2 = r;
	noisy_sample(&z, &r);
	float *w1 = malloc(m.n_params * sizeof(float));
	memcpy(w1, m.params, m.n_params * sizeof(float));
	for (int l = 0; l < m.n_layers; l++) {
		const struct mlp_layer *L = &m.layer[l];
		const float *mu = z.params + L->w, *sg = z.params + z.n + L->w, *w = m.params + L->w;
		const float *fi = z.f + z.foff[l], *fo = fi + L->in;
		/* noise = (W - mu) / sigma is the outer product f(e_in) f(e_out)^T: rank one */
		for (int a = 0; a < L->in; a++)
			for (int j = 0; j < L->out; j++) {
				double e = (w[a * L->out + j] - mu[a * L->out + j]) / sg[a * L->out + j];
				assert_true(fabs(e - (double)fi[a] * fo[j]) < 1e-5 * (1 + fabs(e)));
			}
		for (int a = 1; a < L->in; a++)
			for (int j = 1; j < L->out; j++) {
				double e00 = (w[0] - mu[0]) / sg[0], e0j = (w[j] - mu[j]) / sg[j];
				size_t ia = (size_t)a * L->out;
				double ea0 = (w[ia] - mu[ia]) / sg[ia], eaj = (w[ia + j] - mu[ia + j]) / sg[ia + j];
				assert_true(fabs(e00 * eaj - e0j * ea0) < 1e-4);
			}
		const float *b = w + (size_t)L->in * L->out, *mb = mu + (size_t)L->in * L->out,
			    *sb = sg + (size_t)L->in * L->out;
		for (int j = 0; j < L->out; j++)
			assert_true(fabs((b[j] - mb[j]) / sb[j] - fo[j]) < 1e-5 * (1 + fabs(fo[j])));
	}
	/* same generator state, same draw; then another one */
	noisy_sample(&z, &r2);
	assert_memory_equal(m.params, w1, m.n_params * sizeof(float));
	noisy_sample(&z, &r);
	assert_true(memcmp(m.params, w1, m.n_params * sizeof(float)) != 0);
	/* the mean network */
	noisy_use_mean(&z);
	assert_memory_equal(m.params, init, m.n_params * sizeof(float));
	assert_int_equal(z.state, NOISY_MEAN);
	noisy_changed(&z);
	assert_int_equal(z.state, NOISY_STALE);
	noisy_release(&z);
	mlp_release(&m);
	free(init), free(w1);
}

/* L = sum_rj c_rj out_rj of the network with W = mu + sigma * e, in double. */
static double objective_f64(const struct noisy *z, const double *p, const float *x, int B,
			    const float *c)
{
	const struct mlp *m = z->m;
	double L = 0;
	for (int r = 0; r < B; r++) {
		double a[2][64], *in = a[0];
		for (int k = 0; k < m->n_in; k++)
			in[k] = x[r * m->n_in + k];
		for (int l = 0; l < m->n_layers; l++) {
			const struct mlp_layer *Ly = &m->layer[l];
			const float *fi = z->f + z->foff[l], *fo = fi + Ly->in;
			double *o = a[(l + 1) & 1];
			for (int j = 0; j < Ly->out; j++) {
				size_t bj = Ly->b + j;
				double s = p[bj] + p[z->n + bj] * fo[j];
				for (int k = 0; k < Ly->in; k++) {
					size_t wi = Ly->w + (size_t)k * Ly->out + j;
					s += in[k] * (p[wi] + p[z->n + wi] * ((double)fi[k] * fo[j]));
				}
				o[j] = l < m->n_layers - 1 && s < 0 ? 0 : s;
			}
			in = o;
		}
		for (int j = 0; j < m->n_out; j++) {
			double mean = 0;
			for (int k = 0; m->dueling && k < m->n_out; k++)
				mean += in[1 + k] / m->n_out;
			L += c[r * m->n_out + j] * (m->dueling ? in[0] + in[1 + j] - mean : in[j]);
		}
	}
	return L;
}

static void test_noisy__gradcheck_mu_and_sigma(void **state)
{
	(void)state;
	for (int dueling = 0; dueling < 2; dueling++) {
		int hidden[] = { 7, 5 };
		const int B = 4, nin = 3, nout = 3;
		struct mlp m;
		assert_int_equal(mlp_init(&m, nin, hidden, 2, nout, dueling, B, 1), 0);
		struct rng r;
		rng_seed(&r, 8 + dueling);
		mlp_init_params(&m, &r);
		struct noisy z;
		noisy_init(&z, &m);
		noisy_init_params(&z, 0.5);
		/* larger sigmas than at init, so the sigma gradients are not tiny */
		for (size_t i = 0; i < z.n; i++)
			z.params[z.n + i] = (float)rng_uniform_range(&r, 0.1, 0.6);
		noisy_sample(&z, &r);
		float x[4 * 3], c[4 * 3];
		for (int i = 0; i < B * nin; i++)
			x[i] = (float)rng_uniform_range(&r, -2, 2);
		for (int i = 0; i < B * nout; i++)
			c[i] = (float)rng_uniform_range(&r, -1, 1);
		mlp_forward(&m, x, B);
		mlp_backward(&m, x, c, B);
		noisy_backward(&z);
		size_t np = 2 * z.n;
		double *p = malloc(np * sizeof(double)), *num = malloc(np * sizeof(double)),
		       *ana = malloc(np * sizeof(double));
		for (size_t i = 0; i < np; i++)
			p[i] = z.params[i];
		const double h = 1e-6;
		for (size_t i = 0; i < np; i++) {
			double save = p[i];
			p[i] = save + h;
			double up = objective_f64(&z, p, x, B, c);
			p[i] = save - h;
			double down = objective_f64(&z, p, x, B, c);
			p[i] = save;
			num[i] = (up - down) / (2 * h);
			ana[i] = z.grads[i];
		}
		double smu = 0, ssig = 0;
		for (size_t i = 0; i < z.n; i++)
			smu = fmax(smu, fabs(num[i])), ssig = fmax(ssig, fabs(num[z.n + i]));
		assert_true(smu > 1e-2 && ssig > 1e-2); /* both blocks exercised */
		assert_close_array("d/dmu", ana, num, z.n, 2e-5 * smu + 1e-6);
		assert_close_array("d/dsigma", ana + z.n, num + z.n, z.n, 2e-5 * ssig + 1e-6);
		free(p), free(num), free(ana);
		noisy_release(&z);
		mlp_release(&m);
	}
}

/* A conv trunk stays noise-free: a draw gives it mu (also after mu moved), sigma 0. */
static void test_noisy__conv_trunk_is_mean(void **state)
{
	(void)state;
	const int conv[1][3] = { { 3, 2, 1 } };
	int hidden[] = { 5 };
	struct mlp m;
	assert_int_equal(mlp_init_conv(&m, 2, 4, 4, conv, 1, hidden, 1, 2, 0, 2, 1), 0);
	struct rng r;
	rng_seed(&r, 3);
	mlp_init_params(&m, &r);
	struct noisy z;
	noisy_init(&z, &m);
	noisy_init_params(&z, 0.5);
	const struct mlp_conv *c = &m.conv[0];
	size_t cnt = c->b + (size_t)c->s.F - c->w;
	for (size_t i = 0; i < cnt; i++) {
		assert_true(z.params[z.n + c->w + i] == 0.0f);
		z.params[c->w + i] += 0.25f; /* as an optimiser step would */
	}
	noisy_changed(&z);
	noisy_sample(&z, &r);
	assert_memory_equal(m.params + c->w, z.params + c->w, cnt * sizeof(float));
	/* and the linear layers are noisy */
	const struct mlp_layer *L = &m.layer[0];
	assert_true(memcmp(m.params + L->w, z.params + L->w, (size_t)L->in * L->out * sizeof(float)));
	noisy_release(&z);
	mlp_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noisy__noise_statistics),
		cmocka_unit_test(test_noisy__factorised_draws_and_init),
		cmocka_unit_test(test_noisy__gradcheck_mu_and_sigma),
		cmocka_unit_test(test_noisy__conv_trunk_is_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
