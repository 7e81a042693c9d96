/*
 * optim.h - first-order optimisers over one flat parameter block, with
 * PyTorch's update equations (torch.optim, single-tensor CPU path, float32):
 *
 * Adam (Kingma & Ba; torch.optim.Adam, no weight decay, no amsgrad):
 *   t += 1;  m = m + (1 - beta1) (g - m);  v = v beta2 + ((1 - beta2) g) g
 *   step_size = lr / (1 - beta1^t);  c2 = sqrt(1 - beta2^t)   (in double)
 *   p = p + (-step_size m) / (sqrt(v) / c2 + eps)
 * RMSprop (torch.optim.RMSprop, centered = false, momentum 0):
 *   v = v alpha + ((1 - alpha) g) g;  p = p + (-lr g) / (sqrt(v) + eps)
 * Centered RMSprop (torch.optim.RMSprop, centered = true, momentum 0;
 * optim_set_centered): also the gradient average m = m + (1 - alpha) (g - m)
 * (torch's lerp), and eps goes outside the root, as PyTorch places it:
 *   p = p + (-lr g) / (sqrt(v - m m) + eps)
 *
 * State (m, v) is one block each, same length as the parameters. The fast
 * step is vectorised (simd.h) and gives the same bits as optim_step_naive.
 */
#ifndef OPTIM_H
#define OPTIM_H

#include <stddef.h>

enum optim_kind { OPTIM_ADAM, OPTIM_RMSPROP };

struct optim {
	enum optim_kind kind;
	size_t n;
	double lr;
	double beta1, beta2; /* Adam: 0.9, 0.999 */
	double alpha;        /* RMSprop: 0.99 */
	double eps;          /* 1e-8 */
	float *m;            /* (n) Adam first moment / centered RMSprop gradient average, else NULL */
	int centered;        /* RMSprop: centered (optim_set_centered) */
	float *v;            /* (n) Adam second moment / RMSprop square average */
	long long t;         /* steps taken */
};

/* PyTorch's defaults for the kind; change the fields before the first step. */
void optim_init(struct optim *o, enum optim_kind kind, size_t n, double lr);
void optim_release(struct optim *o);
/* RMSprop only, before the first step: the centered variant. */
void optim_set_centered(struct optim *o);
void optim_step(struct optim *o, float *params, const float *grads);
void optim_step_naive(struct optim *o, float *params, const float *grads);

#endif
