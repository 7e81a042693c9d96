/*
 * distributional.c - C51 and QR-DQN heads: dueling-per-atom combination,
 * softmax and values, targets (the C51 projection), cross-entropy and
 * quantile Huber losses with their gradients (see distributional.h).
 */
#include "distributional.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int dist_raw_width(int n_actions, int n, int dueling)
{
	return (n_actions + !!dueling) * n;
}

/* Atom i of the C51 support, in double: v_min + i dz. */
static double atom(const struct dist_head *h, int i)
{
	return h->v_min + i * h->dz;
}

int dist_head_init(struct dist_head *h, enum dist_kind kind, int n_actions, int n, int dueling,
		   double v_min, double v_max, double kappa, int max_batch)
{
	memset(h, 0, sizeof(*h));
	if (kind == DIST_NONE)
		return 0;
	if (n_actions < 1 || max_batch < 1 || n < (kind == DIST_C51 ? 2 : 1))
		return error("distributional: bad shape (%d actions, %d atoms, batch %d)", n_actions, n,
			     max_batch);
	if (kind == DIST_C51 && !(v_min < v_max))
		return error("distributional: v_min %g is not below v_max %g", v_min, v_max);
	if (kind == DIST_QR && !(kappa > 0))
		return error("distributional: kappa %g must be positive", kappa);
	h->kind = kind;
	h->n_actions = n_actions;
	h->n = n;
	h->dueling = !!dueling;
	h->max_batch = max_batch;
	h->v_min = v_min;
	h->v_max = v_max;
	h->dz = kind == DIST_C51 ? (v_max - v_min) / (n - 1) : 0;
	h->kappa = kappa;
	size_t rows = (size_t)max_batch * n_actions * n;
	h->z = xcalloc(rows, sizeof(float));
	h->p = kind == DIST_C51 ? xcalloc(rows, sizeof(float)) : NULL;
	h->q = xcalloc((size_t)max_batch * n_actions, sizeof(float));
	h->lse = kind == DIST_C51 ? xcalloc((size_t)max_batch * n_actions, sizeof(float)) : NULL;
	if (kind == DIST_C51) {
		h->support = xcalloc((size_t)n, sizeof(double));
		for (int i = 0; i < n; i++)
			h->support[i] = atom(h, i);
	}
	h->dz_buf = xcalloc(rows, sizeof(float));
	return 0;
}

void dist_head_release(struct dist_head *h)
{
	free(h->z);
	free(h->p);
	free(h->q);
	free(h->lse);
	free(h->support);
	free(h->dz_buf);
	memset(h, 0, sizeof(*h));
}


/*
 * sum_i x_i (w_i when w is not NULL) in double, in 4 fixed lanes (i mod 4)
 * added (l0 + l1) + (l2 + l3): deterministic, and 4 short dependency chains.
 */
static double sum4(const float *x, const double *w, int n)
{
	double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		l0 += w ? x[i] * w[i] : x[i];
		l1 += w ? x[i + 1] * w[i + 1] : x[i + 1];
		l2 += w ? x[i + 2] * w[i + 2] : x[i + 2];
		l3 += w ? x[i + 3] * w[i + 3] : x[i + 3];
	}
	if (i < n)
		l0 += w ? x[i] * w[i] : x[i];
	if (i + 1 < n)
		l1 += w ? x[i + 1] * w[i + 1] : x[i + 1];
	if (i + 2 < n)
		l2 += w ? x[i + 2] * w[i + 2] : x[i + 2];
	return (l0 + l1) + (l2 + l3);
}

const float *dist_forward(struct dist_head *h, const float *raw, int B)
{
	const int nA = h->n_actions, n = h->n;
	if (B < 1 || B > h->max_batch)
		BUG("dist_forward: batch %d outside 1..%d", B, h->max_batch);
	for (int r = 0; r < B; r++) {
		float *z = h->z + (size_t)r * nA * n;
		if (h->dueling) {
			const float *v = raw + (size_t)r * (nA + 1) * n, *a = v + n;
			for (int i = 0; i < n; i++) {
				float s = 0.0f;
				for (int k = 0; k < nA; k++)
					s += a[(size_t)k * n + i];
				float mean = s / (float)nA;
				for (int k = 0; k < nA; k++)
					z[(size_t)k * n + i] = v[i] + a[(size_t)k * n + i] - mean;
			}
		} else {
			memcpy(z, raw + (size_t)r * nA * n, (size_t)nA * n * sizeof(float));
		}
		for (int k = 0; k < nA; k++) {
			const float *za = z + (size_t)k * n;
			double q = 0;
			if (h->kind == DIST_C51) {
				float *pa = h->p + ((size_t)r * nA + k) * n, mx = za[0];
				for (int i = 1; i < n; i++)
					if (za[i] > mx)
						mx = za[i];
				for (int i = 0; i < n; i++)
					pa[i] = expf(za[i] - mx);
				double s = sum4(pa, NULL, n);
				h->lse[(size_t)r * nA + k] = (float)(mx + log(s));
				float inv = (float)(1.0 / s);
				for (int i = 0; i < n; i++)
					pa[i] *= inv;
				q = sum4(pa, h->support, n);
			} else {
				for (int i = 0; i < n; i++)
					q += za[i];
				q /= n;
			}
			h->q[(size_t)r * nA + k] = (float)q;
		}
	}
	return h->q;
}

void c51_project(const float *p, int n, double v_min, double v_max, double reward, double g,
		 float *m)
{
	double dz = (v_max - v_min) / (n - 1);
	for (int i = 0; i < n; i++)
		m[i] = 0.0f;
	for (int j = 0; j < n; j++) {
		double tz = reward + g * (v_min + j * dz);
		tz = tz < v_min ? v_min : tz > v_max ? v_max : tz;
		double b = (tz - v_min) / dz;
		b = b < 0 ? 0 : b > n - 1 ? n - 1 : b; /* rounding at the ends */
		int l = (int)b; /* b >= 0: truncation is floor */
		int u = l + (b > l);
		if (l == u) {
			m[l] += p[j];
		} else {
			m[l] += (float)(p[j] * (u - b));
			m[u] += (float)(p[j] * (b - l));
		}
	}
}

/* Index of the largest of n values, the first on ties. */
static int argmax(const float *v, int n)
{
	int best = 0;
	for (int j = 1; j < n; j++)
		if (v[j] > v[best])
			best = j;
	return best;
}

void dist_targets(const struct dist_head *ht, const float *q_sel, const float *reward,
		  const float *not_done, const float *discount, int B, float *target)
{
	const int nA = ht->n_actions, n = ht->n;
	for (int r = 0; r < B; r++) {
		int a = argmax(q_sel + (size_t)r * nA, nA);
		double g = (double)(not_done[r] * discount[r]);
		float *t = target + (size_t)r * n;
		size_t off = ((size_t)r * nA + a) * n;
		if (ht->kind == DIST_C51) {
			c51_project(ht->p + off, n, ht->v_min, ht->v_max, reward[r], g, t);
		} else {
			const float *th = ht->z + off;
			for (int j = 0; j < n; j++)
				t[j] = (float)(reward[r] + g * th[j]);
		}
	}
}

/* The direct sum over the n x n pairs (reference for the tests). */
double qr_huber_loss_pairs(const float *theta, const float *T, int n, double kappa, float *grad)
{
	double L = 0;
	for (int i = 0; i < n; i++) {
		double tau = (2.0 * i + 1) / (2.0 * n), gi = 0;
		for (int j = 0; j < n; j++) {
			double u = (double)T[j] - (double)theta[i], au = fabs(u);
			double w = fabs(tau - (u < 0 ? 1.0 : 0.0));
			double hub = au <= kappa ? 0.5 * u * u : kappa * (au - 0.5 * kappa);
			L += w * hub / kappa;
			/* dH/du / kappa = clamp(u, -kappa, kappa) / kappa; du/dtheta_i = -1 */
			gi -= w * (au <= kappa ? u : (u > 0 ? kappa : -kappa)) / kappa;
		}
		if (grad)
			grad[i] = (float)(gi / n);
	}
	return L / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Entries of the sorted t (n) below v (strictly, or <= v when inclusive). */
static int count_below(const double *t, int n, double v, int inclusive)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (t[mid] < v || (inclusive && t[mid] == v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The same sums in O(n log n): the targets sorted (shifted by their mean,
 * against cancellation), prefix sums of T and T^2, and for each theta_i four
 * ranges of targets with closed forms: u < -kappa and -kappa <= u < 0
 * (weight 1 - tau), 0 <= u <= kappa and u > kappa (weight tau).
 */
#define QR_MAX_STACK 1024
double qr_huber_loss(const float *theta, const float *T, int n, double kappa, float *grad)
{
	double t[QR_MAX_STACK], S[QR_MAX_STACK + 1], Q[QR_MAX_STACK + 1], c = 0;
	if (n > QR_MAX_STACK)
		BUG("qr_huber_loss: %d quantiles, at most %d", n, QR_MAX_STACK);
	for (int j = 0; j < n; j++)
		c += T[j];
	c /= n;
	for (int j = 0; j < n; j++)
		t[j] = (double)T[j] - c;
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	S[0] = Q[0] = 0;
	for (int j = 0; j < n; j++) {
		S[j + 1] = S[j] + t[j];
		Q[j + 1] = Q[j] + t[j] * t[j];
	}
	double L = 0, k = kappa;
	for (int i = 0; i < n; i++) {
		double tau = (2.0 * i + 1) / (2.0 * n), th = (double)theta[i] - c;
		int a = count_below(t, n, th - k, 0), b = count_below(t, n, th, 0),
		    d = count_below(t, n, th + k, 1);
		double cA = a, sA = S[a];
		double cB = b - a, sB = S[b] - S[a], qB = Q[b] - Q[a];
		double cC = d - b, sC = S[d] - S[b], qC = Q[d] - Q[b];
		double cD = n - d, sD = S[n] - S[d];
		double lo = k * (cA * th - sA - 0.5 * k * cA) + 0.5 * (qB - 2 * th * sB + cB * th * th);
		double hi = 0.5 * (qC - 2 * th * sC + cC * th * th) + k * (sD - cD * th - 0.5 * k * cD);
		L += ((1 - tau) * lo + tau * hi) / k;
		if (grad) {
			double glo = k * cA - (sB - cB * th), ghi = (sC - cC * th) + k * cD;
			grad[i] = (float)(((1 - tau) * glo - tau * ghi) / (k * n));
		}
	}
	return L / n;
}

double dist_loss(const struct dist_head *h, const int32_t *action, const float *target,
		 const float *weight, int B, float *draw, float *per_sample)
{
	const int nA = h->n_actions, n = h->n;
	float *dzb = h->dueling ? h->dz_buf : draw; /* dLoss/dz (B, nA, n) */
	memset(dzb, 0, (size_t)B * nA * n * sizeof(float));
	double total = 0;
	for (int r = 0; r < B; r++) {
		int a = action[r];
		if (a < 0 || a >= nA)
			BUG("dist_loss: action %d outside 0..%d", a, nA - 1);
		size_t off = ((size_t)r * nA + a) * n;
		const float *m = target + (size_t)r * n;
		double w = weight ? weight[r] : 1.0, c = w / B, L = 0;
		float *d = dzb + off;
		if (h->kind == DIST_C51) {
			const float *za = h->z + off, *pa = h->p + off;
			double msum = 0, lse = h->lse[(size_t)r * nA + a];
			for (int i = 0; i < n; i++)
				msum += m[i];
			for (int i = 0; i < n; i++) {
				L -= (double)m[i] * ((double)za[i] - lse);
				d[i] = (float)(c * ((double)pa[i] * msum - m[i]));
			}
		} else {
			L = qr_huber_loss(h->z + off, m, n, h->kappa, d);
			for (int i = 0; i < n; i++)
				d[i] = (float)(c * d[i]);
		}
		if (per_sample)
			per_sample[r] = (float)L;
		total += w * L;
	}
	if (h->dueling) {
		/* dV_i = sum_a dz_a[i]; dA_a[i] = dz_a[i] - mean_b dz_b[i] */
		for (int r = 0; r < B; r++) {
			const float *g = dzb + (size_t)r * nA * n;
			float *v = draw + (size_t)r * (nA + 1) * n, *ad = v + n;
			for (int i = 0; i < n; i++) {
				float s = 0.0f;
				for (int k = 0; k < nA; k++)
					s += g[(size_t)k * n + i];
				float mean = s / (float)nA;
				v[i] = s;
				for (int k = 0; k < nA; k++)
					ad[(size_t)k * n + i] = g[(size_t)k * n + i] - mean;
			}
		}
	}
	return total / B;
}

void dist_head_checkpoint(const struct dist_head *h, struct checkpoint *ck)
{
	if (h->kind == DIST_NONE)
		return;
	long long v = h->n;
	checkpoint_add_str(ck, "head", h->kind == DIST_C51 ? "c51" : "qr");
	checkpoint_add_ints(ck, h->kind == DIST_C51 ? "num_atoms" : "num_quantiles", &v, 1);
	if (h->kind == DIST_C51) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.17g", h->v_min);
		checkpoint_add_str(ck, "v_min", buf);
		snprintf(buf, sizeof(buf), "%.17g", h->v_max);
		checkpoint_add_str(ck, "v_max", buf);
	}
	checkpoint_add_str(ck, "head_layout",
			   "the last layer gives per row [z_0 (n), .., z_{A-1} (n)], or with dueling "
			   "[V (n), A_0 (n), .., A_{A-1} (n)] and z_a = V + A_a - mean_b A_b per atom; "
			   "c51: Q_a = sum_i softmax(z_a)_i (v_min + i (v_max - v_min) / (n - 1)); "
			   "qr: Q_a = mean_i z_a[i], quantile i at tau = (2i + 1) / 2n");
}
