/*
 * test_loss.c - Huber and MSE values and gradients against hand-computed
 * numbers, importance weights, and clip_grad_norm_ semantics.
 */
#include "testutil.h"
#include "loss.h"

static void test_loss__huber_values(void **state)
{
	(void)state;
	/* d = pred - target: 0.5, -0.5, 2, -3 -> 0.125, 0.125, 1.5, 2.5 (mean 1.0625) */
	float pred[] = { 1.5f, 0.0f, 4.0f, -1.0f }, target[] = { 1.0f, 0.5f, 2.0f, 2.0f }, g[4];
	double L = loss_compute(LOSS_HUBER, pred, target, NULL, 4, g);
	assert_true(fabs(L - 1.0625) < 1e-12);
	/* dL/dpred = clip(d, -1, 1) / n */
	double gw[] = { 0.125, -0.125, 0.25, -0.25 }, gd[] = { g[0], g[1], g[2], g[3] };
	assert_close_array("grad", gd, gw, 4, 1e-7);
	/* weights: (0.5 * 0.125 + 1 * 0.125 + 2 * 1.5 + 0 * 2.5) / 4 = 0.796875 */
	float w[] = { 0.5f, 1.0f, 2.0f, 0.0f };
	L = loss_compute(LOSS_HUBER, pred, target, w, 4, g);
	assert_true(fabs(L - 0.796875) < 1e-12);
	double gw2[] = { 0.0625, -0.125, 0.5, 0.0 }, gd2[] = { g[0], g[1], g[2], g[3] };
	assert_close_array("weighted grad", gd2, gw2, 4, 1e-7);
}

static void test_loss__mse_values(void **state)
{
	(void)state;
	/* d: 0.5, -0.5, 2, -3 -> 0.25, 0.25, 4, 9 (mean 3.375); grad 2 d / n */
	float pred[] = { 1.5f, 0.0f, 4.0f, -1.0f }, target[] = { 1.0f, 0.5f, 2.0f, 2.0f }, g[4];
	double L = loss_compute(LOSS_MSE, pred, target, NULL, 4, g);
	assert_true(fabs(L - 3.375) < 1e-12);
	double gw[] = { 0.25, -0.25, 1.0, -1.5 }, gd[] = { g[0], g[1], g[2], g[3] };
	assert_close_array("grad", gd, gw, 4, 1e-7);
}

/* Gradients against central differences of the double-precision elements. */
static void test_loss__gradients_match_differences(void **state)
{
	(void)state;
	float pred[8], target[8], w[8], g[8];
	for (int i = 0; i < 8; i++) {
		pred[i] = (float)(i - 4) * 0.37f;
		target[i] = (float)(i % 3) * 0.2f;
		w[i] = 0.25f + 0.1f * (float)i;
	}
	for (int kind = 0; kind < 2; kind++) {
		loss_compute(kind, pred, target, w, 8, g);
		double num[8], ana[8];
		for (int i = 0; i < 8; i++) {
			double h = 1e-6, dl, d = (double)pred[i] - target[i];
			double up = loss_elem(kind, d + h, &dl), down = loss_elem(kind, d - h, &dl);
			num[i] = w[i] * (up - down) / (2 * h) / 8;
			ana[i] = g[i];
		}
		assert_close_array("grad", ana, num, 8, 1e-6);
	}
}

static void test_loss__clip_grad_norm(void **state)
{
	(void)state;
	float g[] = { 3.0f, -4.0f };
	/* norm 5 <= 10: untouched */
	assert_true(clip_grad_norm(g, 2, 10.0) == 5.0);
	assert_true(g[0] == 3.0f && g[1] == -4.0f);
	/* max 1: scaled by 1 / (5 + 1e-6) */
	assert_true(clip_grad_norm(g, 2, 1.0) == 5.0);
	assert_true(fabs(g[0] - 3.0 / (5 + 1e-6)) < 1e-7 && fabs(g[1] + 4.0 / (5 + 1e-6)) < 1e-7);
	/* 0: measure only */
	float h[] = { 30.0f, 40.0f };
	assert_true(clip_grad_norm(h, 2, 0.0) == 50.0);
	assert_true(h[0] == 30.0f);
	/* long vector (16 lanes plus a tail) against a plain sum */
	float v[1000 + 7];
	double s = 0;
	for (int i = 0; i < 1007; i++) {
		v[i] = (float)sin(i * 0.1) * (float)(1 + i % 5);
		s += (double)v[i] * v[i];
	}
	assert_true(fabs(grad_norm(v, 1007) - sqrt(s)) < 1e-10 * sqrt(s));
	v[500] = INFINITY;
	assert_false(isfinite(grad_norm(v, 1007)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss__huber_values),
		cmocka_unit_test(test_loss__mse_values),
		cmocka_unit_test(test_loss__gradients_match_differences),
		cmocka_unit_test(test_loss__clip_grad_norm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
