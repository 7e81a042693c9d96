/*
 * mlp.c - the multilayer perceptron of mlp.h: BLAS kernels (cblas_sgemm,
 * single precision) with fused elementwise passes, and their plain-C
 * references.
 */
#include "mlp.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "gemm.h"
#include "simd.h"

int mlp_init(struct mlp *m, int n_in, const int *hidden, int n_hidden, int n_out, int dueling,
	     int max_batch, int trainable)
{
	return mlp_init_conv(m, n_in, 1, 1, NULL, 0, hidden, n_hidden, n_out, dueling, max_batch,
			     trainable);
}

int mlp_init_conv(struct mlp *m, int C, int H, int W, const int (*conv)[3], int n_conv,
		  const int *hidden, int n_hidden, int n_out, int dueling, int max_batch,
		  int trainable)
{
	memset(m, 0, sizeof(*m));
	int n_in = C * H * W;
	if (C < 1 || H < 1 || W < 1 || n_out < 1 || max_batch < 1)
		return error("mlp: bad shape (inputs %dx%dx%d, outputs %d, batch %d)", C, H, W, n_out,
			     max_batch);
	if (n_hidden < 0 || n_hidden + 1 > MLP_MAX_LAYERS)
		return error("mlp: %d hidden layers, at most %d", n_hidden, MLP_MAX_LAYERS - 1);
	if (n_conv < 0 || n_conv > MLP_MAX_CONV)
		return error("mlp: %d conv layers, at most %d", n_conv, MLP_MAX_CONV);
	m->n_in = n_in;
	m->n_out = n_out;
	m->dueling = !!dueling;
	m->n_layers = n_hidden + 1;
	m->max_batch = max_batch;
	m->n_conv = n_conv;
	size_t off = 0, cmax = 0, cwork = 0;
	int in = n_in;
	for (int i = 0; i < n_conv; i++) {
		struct mlp_conv *L = &m->conv[i];
		if (conv_shape_init(&L->s, C, H, W, conv[i][0], conv[i][1], conv[i][2]))
			return error("mlp: conv layer %d does not fit its %dx%dx%d input", i + 1, C, H, W);
		L->w = off;
		L->b = off + conv_w_size(&L->s);
		off += conv_w_size(&L->s) + (size_t)L->s.F;
		if (conv_out_size(&L->s) > cmax)
			cmax = conv_out_size(&L->s);
		if (conv_work_size(&L->s, max_batch) > cwork)
			cwork = conv_work_size(&L->s, max_batch);
		C = L->s.F, H = L->s.Ho, W = L->s.Wo;
		in = (int)conv_out_size(&L->s);
	}
	for (int l = 0; l < m->n_layers; l++) {
		int out = l < n_hidden ? hidden[l] : n_out + m->dueling;
		if (out < 1)
			return error("mlp: hidden layer %d has %d units", l + 1, out);
		m->layer[l] = (struct mlp_layer){ .in = in, .out = out, .w = off,
						  .b = off + (size_t)in * out };
		off += (size_t)in * out + out;
		if (out > m->max_width)
			m->max_width = out;
		in = out;
	}
	m->n_params = off;
	m->params = xcalloc(off, sizeof(float));
	if (trainable)
		m->grads = xcalloc(off, sizeof(float));

	size_t rows = (size_t)max_batch, need = 2 * rows * m->max_width, wt = 0;
	for (int l = n_conv ? 0 : 1; l < m->n_layers; l++)
		if ((size_t)m->layer[l].in * m->layer[l].out > wt)
			wt = (size_t)m->layer[l].in * m->layer[l].out;
	need += wt;
	for (int l = 0; l < m->n_layers; l++)
		need += rows * m->layer[l].out;
	if (m->dueling)
		need += rows * n_out;
	m->work = xcalloc(need, sizeof(float));
	float *p = m->work;
	for (int l = 0; l < m->n_layers; l++) {
		m->act[l] = p;
		p += rows * m->layer[l].out;
	}
	if (m->dueling) {
		m->q = p;
		p += rows * n_out;
	} else {
		m->q = m->act[m->n_layers - 1];
	}
	m->dz[0] = p;
	m->dz[1] = p + rows * m->max_width;
	m->wt = p + 2 * rows * m->max_width;
	if (n_conv) {
		/* the trunk's buffers: a second allocation, so a plain MLP's workspace is unchanged */
		size_t tmax = 0; /* transposes of the libxsmm linear backward: (out + in) rows */
		for (int l = 0; l < m->n_layers; l++)
			if ((size_t)(m->layer[l].in + m->layer[l].out) > tmax)
				tmax = (size_t)(m->layer[l].in + m->layer[l].out);
		size_t cneed = cwork + 2 * rows * cmax + tmax * rows;
		for (int i = 0; i < n_conv; i++)
			cneed += rows * conv_out_size(&m->conv[i].s);
		m->cwork = xcalloc(cneed, sizeof(float));
		float *q = m->cwork + cwork;
		for (int i = 0; i < n_conv; i++) {
			m->cact[i] = q;
			q += rows * conv_out_size(&m->conv[i].s);
		}
		m->cdz[0] = q;
		m->cdz[1] = q + rows * cmax;
		m->tscratch = q + 2 * rows * cmax;
	}
	return 0;
}

void mlp_release(struct mlp *m)
{
	free(m->params);
	free(m->grads);
	free(m->work);
	free(m->cwork);
	memset(m, 0, sizeof(*m));
}

void mlp_init_params(struct mlp *m, struct rng *rng)
{
	for (int i = 0; i < m->n_conv; i++) {
		const struct mlp_conv *L = &m->conv[i];
		double k = 1.0 / sqrt((double)L->s.C * L->s.K * L->s.K);
		float *w = m->params + L->w, *b = m->params + L->b;
		for (size_t j = 0; j < conv_w_size(&L->s); j++)
			w[j] = (float)rng_uniform_range(rng, -k, k);
		for (int j = 0; j < L->s.F; j++)
			b[j] = (float)rng_uniform_range(rng, -k, k);
	}
	for (int l = 0; l < m->n_layers; l++) {
		const struct mlp_layer *L = &m->layer[l];
		double k = 1.0 / sqrt((double)L->in);
		float *w = m->params + L->w, *b = m->params + L->b;
		for (size_t i = 0; i < (size_t)L->in * L->out; i++)
			w[i] = (float)rng_uniform_range(rng, -k, k);
		for (int j = 0; j < L->out; j++)
			b[j] = (float)rng_uniform_range(rng, -k, k);
	}
}

void mlp_zero_grad(struct mlp *m)
{
	if (m->grads)
		memset(m->grads, 0, m->n_params * sizeof(float));
}

double mlp_macs_per_row(const struct mlp *m)
{
	double s = 0;
	for (int i = 0; i < m->n_conv; i++)
		s += conv_macs_per_row(&m->conv[i].s);
	for (int l = 0; l < m->n_layers; l++)
		s += (double)m->layer[l].in * m->layer[l].out;
	return s;
}

double mlp_backward_macs_per_row(const struct mlp *m)
{
	double s = mlp_macs_per_row(m);
	for (int i = 1; i < m->n_conv; i++)
		s += conv_macs_per_row(&m->conv[i].s);
	for (int l = m->n_conv ? 0 : 1; l < m->n_layers; l++)
		s += (double)m->layer[l].in * m->layer[l].out;
	return s;
}

/* ---- elementwise passes (vectorised, see simd.h) ---- */

/* z (B, out) += b on every row, then ReLU when relu. */
HOT_LOOP static void add_bias_rows(float *restrict z, const float *restrict b, int B, int out,
				   int relu)
{
	for (int r = 0; r < B; r++) {
		float *restrict zr = z + (size_t)r * out;
		if (relu) {
			for (int j = 0; j < out; j++) {
				float v = zr[j] + b[j];
				zr[j] = v > 0.0f ? v : 0.0f;
			}
		} else {
			for (int j = 0; j < out; j++)
				zr[j] = zr[j] + b[j];
		}
	}
}

/* db (out) = column sums of dz (B, out), rows added in order. */
HOT_LOOP static void column_sums(const float *restrict dz, float *restrict db, int B, int out)
{
	for (int j = 0; j < out; j++)
		db[j] = 0.0f;
	for (int r = 0; r < B; r++) {
		const float *restrict d = dz + (size_t)r * out;
		for (int j = 0; j < out; j++)
			db[j] = db[j] + d[j];
	}
}

/* dx = x > 0 ? dx : 0, elementwise over n. */
HOT_LOOP static void relu_mask(float *restrict dx, const float *restrict x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dx[i] = x[i] > 0.0f ? dx[i] : 0.0f;
}

/* ---- kernels ---- */

void linear_forward(const float *x, const float *w, const float *b, float *z, int B, int in,
		    int out, int relu)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, out, in, 1.0f, x, in, w, out,
		    0.0f, z, out);
	add_bias_rows(z, b, B, out, relu);
}

/*
 * The plain-C kernels sum every output in a fixed order (k = 0, 1, ... from
 * 0.0f, then the bias), the order of the textbook triple loop, and never
 * reassociate: their bits do not depend on the CPU (portable mode). The loops
 * run with the summed index outside, so that the inner loop is elementwise
 * over outputs and vectorises (simd.h) without changing any sum.
 */
HOT_LOOP void linear_forward_naive(const float *restrict x, const float *restrict w,
				   const float *restrict b, float *restrict z, int B, int in, int out,
				   int relu)
{
	for (int r = 0; r < B; r++) {
		float *restrict zr = z + (size_t)r * out;
		for (int j = 0; j < out; j++)
			zr[j] = 0.0f;
		for (int k = 0; k < in; k++) {
			float xv = x[(size_t)r * in + k];
			const float *restrict wk = w + (size_t)k * out;
			for (int j = 0; j < out; j++)
				zr[j] = zr[j] + xv * wk[j];
		}
		for (int j = 0; j < out; j++) {
			float v = zr[j] + b[j];
			zr[j] = relu && !(v > 0.0f) ? 0.0f : v;
		}
	}
}

/*
 * The libxsmm kernels of conv networks (gemm.h): the same contract as
 * linear_forward/linear_backward. dX = dz W^T is formed as (W dz^T)^T,
 * libxsmm having no kernel for a transposed first factor; t: (in + out) B.
 */
static void linear_forward_x(const float *x, const float *w, const float *b, float *z, int B,
			     int in, int out, int relu)
{
	gemm_nn(B, out, in, x, in, w, out, z, out);
	add_bias_rows(z, b, B, out, relu);
}

static void linear_backward_x(const float *x, const float *dz, const float *w, float *dw,
			      float *db, float *dx, int B, int in, int out, float *t)
{
	gemm_tn(in, out, B, x, in, dz, out, dw, out);
	column_sums(dz, db, B, out);
	if (!dx)
		return;
	float *dzt = t, *dxt = t + (size_t)out * B;
	gemm_transpose(dz, B, out, out, dzt, B);       /* (out, B) */
	gemm_nn(in, B, out, w, out, dzt, B, dxt, B);   /* dX^T (in, B) = W dz^T */
	gemm_transpose(dxt, in, B, B, dx, in);
	relu_mask(dx, x, (size_t)B * in);
}

void linear_backward(const float *x, const float *dz, const float *w, float *dw, float *db,
		     float *dx, int B, int in, int out)
{
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, out, B, 1.0f, x, in, dz, out, 0.0f,
		    dw, out);
	column_sums(dz, db, B, out);
	if (dx) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, in, out, 1.0f, dz, out, w, out,
			    0.0f, dx, in);
		relu_mask(dx, x, (size_t)B * in);
	}
}

HOT_LOOP void linear_backward_naive(const float *restrict x, const float *restrict dz,
				    const float *restrict w, float *restrict dw, float *restrict db,
				    float *restrict dx, float *restrict wt, int B, int in, int out)
{
	for (int k = 0; k < in; k++) {
		float *restrict dwk = dw + (size_t)k * out;
		for (int j = 0; j < out; j++)
			dwk[j] = 0.0f;
		for (int r = 0; r < B; r++) {
			float xv = x[(size_t)r * in + k];
			const float *restrict d = dz + (size_t)r * out;
			for (int j = 0; j < out; j++)
				dwk[j] = dwk[j] + xv * d[j];
		}
	}
	for (int j = 0; j < out; j++)
		db[j] = 0.0f;
	for (int r = 0; r < B; r++)
		for (int j = 0; j < out; j++)
			db[j] = db[j] + dz[(size_t)r * out + j];
	if (!dx)
		return;
	/* dx[r][k] = sum_j dz[r][j] w[k][j], j in order: over w transposed (out, in) */
	for (int k = 0; k < in; k++)
		for (int j = 0; j < out; j++)
			wt[(size_t)j * in + k] = w[(size_t)k * out + j];
	for (int r = 0; r < B; r++) {
		float *restrict dxr = dx + (size_t)r * in;
		const float *restrict xr = x + (size_t)r * in;
		for (int k = 0; k < in; k++)
			dxr[k] = 0.0f;
		for (int j = 0; j < out; j++) {
			float d = dz[(size_t)r * out + j];
			const float *restrict wj = wt + (size_t)j * in;
			for (int k = 0; k < in; k++)
				dxr[k] = dxr[k] + d * wj[k];
		}
		for (int k = 0; k < in; k++)
			dxr[k] = xr[k] > 0.0f ? dxr[k] : 0.0f;
	}
}

void dueling_forward(const float *raw, float *q, int B, int n)
{
	for (int r = 0; r < B; r++) {
		const float *v = raw + (size_t)r * (n + 1), *a = v + 1;
		float s = 0.0f;
		for (int j = 0; j < n; j++)
			s += a[j];
		float mean = s / (float)n;
		for (int j = 0; j < n; j++)
			q[(size_t)r * n + j] = v[0] + a[j] - mean;
	}
}

void dueling_backward(const float *dq, float *draw, int B, int n)
{
	for (int r = 0; r < B; r++) {
		const float *d = dq + (size_t)r * n;
		float *o = draw + (size_t)r * (n + 1);
		float s = 0.0f;
		for (int j = 0; j < n; j++)
			s += d[j];
		float mean = s / (float)n;
		o[0] = s;
		for (int j = 0; j < n; j++)
			o[j + 1] = d[j] - mean;
	}
}

/* ---- the network ---- */

const float *mlp_forward(struct mlp *m, const float *x, int B)
{
	if (B < 1 || B > m->max_batch)
		BUG("mlp_forward: batch %d outside 1..%d", B, m->max_batch);
	const float *in = x;
	for (int i = 0; i < m->n_conv; i++) {
		const struct mlp_conv *L = &m->conv[i];
		if (m->naive)
			conv_forward_naive(&L->s, in, m->params + L->w, m->params + L->b, m->cact[i], B);
		else
			conv_forward(&L->s, in, m->params + L->w, m->params + L->b, m->cact[i], B,
				     m->cwork);
		in = m->cact[i];
	}
	m->crows = m->naive ? 0 : B;
	for (int l = 0; l < m->n_layers; l++) {
		const struct mlp_layer *L = &m->layer[l];
		int relu = l < m->n_layers - 1;
		if (m->naive)
			linear_forward_naive(in, m->params + L->w, m->params + L->b, m->act[l], B, L->in,
					     L->out, relu);
		else if (m->n_conv)
			linear_forward_x(in, m->params + L->w, m->params + L->b, m->act[l], B, L->in,
					 L->out, relu);
		else
			linear_forward(in, m->params + L->w, m->params + L->b, m->act[l], B, L->in,
				       L->out, relu);
		in = m->act[l];
	}
	if (m->dueling)
		dueling_forward(m->act[m->n_layers - 1], m->q, B, m->n_out);
	return m->q;
}

void mlp_backward(struct mlp *m, const float *x, const float *dq, int B)
{
	if (!m->grads)
		BUG("mlp_backward on a network without gradients");
	if (B < 1 || B > m->max_batch)
		BUG("mlp_backward: batch %d outside 1..%d", B, m->max_batch);
	const float *dz = dq;
	int cur = 0;
	if (m->dueling) {
		dueling_backward(dq, m->dz[cur], B, m->n_out);
		dz = m->dz[cur];
		cur ^= 1;
	}
	for (int l = m->n_layers - 1; l >= 0; l--) {
		const struct mlp_layer *L = &m->layer[l];
		const float *in = l > 0 ? m->act[l - 1] : m->n_conv ? m->cact[m->n_conv - 1] : x;
		float *dx = l > 0 ? m->dz[cur] : m->n_conv ? m->cdz[0] : NULL;
		if (m->naive)
			linear_backward_naive(in, dz, m->params + L->w, m->grads + L->w,
					      m->grads + L->b, dx, m->wt, B, L->in, L->out);
		else if (m->n_conv)
			linear_backward_x(in, dz, m->params + L->w, m->grads + L->w, m->grads + L->b, dx,
					  B, L->in, L->out, m->tscratch);
		else
			linear_backward(in, dz, m->params + L->w, m->grads + L->w, m->grads + L->b, dx,
					B, L->in, L->out);
		dz = dx;
		cur ^= 1;
	}
	/* the trunk: dz (B, conv out) of the last conv layer is in cdz[0] */
	for (int i = m->n_conv - 1, c = 0; i >= 0; i--, c ^= 1) {
		const struct mlp_conv *L = &m->conv[i];
		const float *in = i > 0 ? m->cact[i - 1] : x;
		float *dx = i > 0 ? m->cdz[c ^ 1] : NULL;
		if (m->naive)
			conv_backward_naive(&L->s, in, m->cact[i], m->cdz[c], m->params + L->w,
					    m->grads + L->w, m->grads + L->b, dx, B);
		else if (i == m->n_conv - 1 && m->crows >= B) /* its patches are still in cwork */
			conv_backward_cached(&L->s, m->crows, m->cact[i], m->cdz[c], m->params + L->w,
					     m->grads + L->w, m->grads + L->b, dx, B, m->cwork);
		else
			conv_backward(&L->s, in, m->cact[i], m->cdz[c], m->params + L->w,
				      m->grads + L->w, m->grads + L->b, dx, B, m->cwork);
	}
	m->crows = 0; /* cwork was overwritten */
}
