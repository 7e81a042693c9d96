/*
 * mt19937.h - numpy's legacy RandomState generator (MT19937 with its
 * published tempering), enough of it to reproduce MinAtar's randomness bit
 * for bit: seeding by one 32-bit integer (init_genrand) or by an array of
 * 32-bit words (init_by_array, what RandomState([lo, hi]) does), 32-bit
 * words, rand() (53-bit doubles from two words) and legacy randint.
 *
 * Invariant: 0 <= mti <= 624; state[] is the generator's whole state.
 */
#ifndef MT19937_H
#define MT19937_H

#include <stdint.h>

#define MT19937_N 624

struct mt19937 {
	uint32_t state[MT19937_N];
	int mti;
};

/* RandomState(seed) for 0 <= seed < 2^32. */
void mt19937_seed(struct mt19937 *g, uint32_t seed);
/* RandomState([key[0], ..., key[n-1]]) with every key word < 2^32, n >= 1. */
void mt19937_seed_array(struct mt19937 *g, const uint32_t *key, int n);
/* The harness's 64-bit derived seed as RandomState([lo, hi]) (low word first). */
void mt19937_seed64(struct mt19937 *g, uint64_t seed);
uint32_t mt19937_u32(struct mt19937 *g);
/* RandomState.rand(): [0, 1) with 53 random bits. */
double mt19937_rand(struct mt19937 *g);
/* RandomState.randint(low, high): low <= v < high by masked rejection on
 * 32-bit words (high - low <= 2^32); draws nothing when high - low == 1. */
long long mt19937_randint(struct mt19937 *g, long long low, long long high);

#endif
