/*
 * minatar.h - the MinAtar games (Young & Tian 2019) on a 10x10 grid of
 * binary channels, written from their rules and MinAtar 1.0.15's reference
 * trajectories (no MinAtar code: it is GPL-3.0).
 *
 * A game is a const struct minatar_game: reset/act over a caller-allocated,
 * zeroed state block of state_size bytes, and render into a (10, 10, C)
 * uint8 grid in (row, column, channel) order, MinAtar's own layout.
 *
 * struct minatar is MinAtar's Environment: one numpy-legacy MT19937 shared
 * by the sticky-action draw and the game; last_action starts at 0 and is not
 * reset between episodes (a MinAtar quirk kept on purpose).
 */
#ifndef MINATAR_H
#define MINATAR_H

#include <stddef.h>
#include <stdint.h>
#include "mt19937.h"

#define MINATAR_GRID 10
#define MINATAR_MAX_CHANNELS 10
#define MINATAR_ACTIONS 6 /* 0 no-op, 1 left, 2 up, 3 right, 4 down, 5 fire */

struct minatar_game {
	const char *name;   /* MinAtar's game name: "breakout", "space_invaders" */
	const char *id;     /* CamelCase for the registered ids: "Breakout" */
	int channels;
	const char *channel_names[MINATAR_MAX_CHANNELS];
	int n_minimal;      /* the -v1 action set */
	int minimal_actions[MINATAR_ACTIONS];
	size_t state_size;
	/* Starts an episode; ramping = difficulty_ramping. */
	void (*reset)(void *g, struct mt19937 *rng, int ramping);
	/* a is the executed action 0..5 (after the sticky substitution). */
	void (*act)(void *g, struct mt19937 *rng, int a, int *reward, int *terminal);
	/* grid: (10, 10, channels) uint8 0/1, row-major, channel fastest. */
	void (*render)(const void *g, uint8_t *grid);
};

extern const struct minatar_game *const minatar_games[];
extern const int minatar_games_len;
const struct minatar_game *minatar_game_find(const char *name);

struct minatar {
	const struct minatar_game *game;
	struct mt19937 rng;
	double sticky_action_prob;
	int ramping;
	int last_action; /* the action executed last (0 at construction) */
	void *g;         /* game state, game->state_size bytes */
};

int minatar_init(struct minatar *m, const struct minatar_game *game, double sticky_action_prob,
		 int ramping);
void minatar_release(struct minatar *m);
/* env.seed(seed) for a 32-bit seed (MinAtar's Python) or the harness's 64-bit
 * derived seed as RandomState([lo, hi]). */
void minatar_seed32(struct minatar *m, uint32_t seed);
void minatar_seed64(struct minatar *m, uint64_t seed);
/* env.reset(): a new episode, the generator's stream continues. */
void minatar_reset(struct minatar *m);
/* env.act(a): the sticky draw, then the game's step; returns the action executed. */
int minatar_act(struct minatar *m, int a, int *reward, int *terminal);
void minatar_render(const struct minatar *m, uint8_t *grid);

#endif
