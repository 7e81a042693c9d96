/*
 * mt19937.c - see mt19937.h. The algorithm is Matsumoto & Nishimura's
 * reference MT19937 (1998, with the 2002 initialisation); numpy's legacy
 * RandomState uses it unchanged.
 */
#include "mt19937.h"

#define MT_M 397
#define MATRIX_A 0x9908b0dfu
#define UPPER 0x80000000u
#define LOWER 0x7fffffffu

void mt19937_seed(struct mt19937 *g, uint32_t seed)
{
	g->state[0] = seed;
	for (int i = 1; i < MT19937_N; i++)
		g->state[i] = 1812433253u * (g->state[i - 1] ^ (g->state[i - 1] >> 30)) + (uint32_t)i;
	g->mti = MT19937_N;
}

void mt19937_seed_array(struct mt19937 *g, const uint32_t *key, int n)
{
	uint32_t *mt = g->state;
	mt19937_seed(g, 19650218u);
	int i = 1, j = 0;
	for (int k = MT19937_N > n ? MT19937_N : n; k; k--) {
		mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
		i++;
		j++;
		if (i >= MT19937_N) {
			mt[0] = mt[MT19937_N - 1];
			i = 1;
		}
		if (j >= n)
			j = 0;
	}
	for (int k = MT19937_N - 1; k; k--) {
		mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
		i++;
		if (i >= MT19937_N) {
			mt[0] = mt[MT19937_N - 1];
			i = 1;
		}
	}
	mt[0] = 0x80000000u;
	g->mti = MT19937_N;
}

void mt19937_seed64(struct mt19937 *g, uint64_t seed)
{
	uint32_t key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
	mt19937_seed_array(g, key, 2);
}

static void generate(struct mt19937 *g)
{
	uint32_t *mt = g->state, y;
	int k;
	for (k = 0; k < MT19937_N - MT_M; k++) {
		y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
		mt[k] = mt[k + MT_M] ^ (y >> 1) ^ (-(y & 1u) & MATRIX_A);
	}
	for (; k < MT19937_N - 1; k++) {
		y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
		mt[k] = mt[k + (MT_M - MT19937_N)] ^ (y >> 1) ^ (-(y & 1u) & MATRIX_A);
	}
	y = (mt[MT19937_N - 1] & UPPER) | (mt[0] & LOWER);
	mt[MT19937_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ (-(y & 1u) & MATRIX_A);
	g->mti = 0;
}

uint32_t mt19937_u32(struct mt19937 *g)
{
	if (g->mti >= MT19937_N)
		generate(g);
	uint32_t y = g->state[g->mti++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

double mt19937_rand(struct mt19937 *g)
{
	uint32_t a = mt19937_u32(g) >> 5, b = mt19937_u32(g) >> 6;
	return (a * 67108864.0 + b) / 9007199254740992.0;
}

long long mt19937_randint(struct mt19937 *g, long long low, long long high)
{
	uint64_t rng = (uint64_t)(high - 1 - low);
	if (rng == 0)
		return low;
	uint64_t mask = rng;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	uint64_t v;
	do
		v = mt19937_u32(g) & mask;
	while (v > rng);
	return low + (long long)v;
}
