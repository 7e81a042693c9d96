/*
 * minatar_space_invaders.c - MinAtar's Space Invaders (Young & Tian 2019,
 * kenjyoung/MinAtar 1.0.15), written here from the game's rules; MinAtar
 * itself is GPL-3.0 and none of its code is in this file.
 *
 * Rules, one frame (act) in this order:
 *  1. The cannon on row 9 fires (if its 5-frame cool-down is over; firing
 *     puts a bullet on row 9 in the cannon's column) or moves one column
 *     left/right, clamped to 0..9. Other actions do nothing.
 *  2. Cannon bullets rise one row, enemy bullets fall one row; a bullet that
 *     leaves the grid is gone. An enemy bullet now on the cannon's cell, or
 *     an alien there, ends the episode.
 *  3. Every few frames the whole wave moves one column in its direction; if
 *     an alien already touches the wall on that side, the wave instead
 *     turns around and moves down one row. Moving down from row 9 ends the
 *     episode, and the bottom row wraps to row 0 (the grid rotates: a
 *     quirk kept on purpose, visible in the last frame). An alien arriving
 *     on the cannon's cell ends the episode. The wait to the next move is
 *     min(aliens alive, the wave's interval), so a thin wave speeds up.
 *  4. Every 10 frames the alien nearest the cannon shoots: the column
 *     closest to the cannon's that holds an alien (on a tie the one to the
 *     left), its lowest alien; the bullet starts in that alien's cell.
 *  5. Where a cannon bullet and an alien share a cell both vanish, +1 each.
 *     (A bullet and an alien moving past each other do not collide.)
 *  6. Timers count down; when no alien is left a new wave of 4x6 (rows
 *     0-3, columns 2-7) appears at once, keeping the old wave's direction
 *     and move timer; with difficulty ramping its interval drops by one
 *     (12 at the start, down to 6).
 * The episode keeps running after a terminal condition until the frame
 * ends; acting on a finished episode changes nothing (reward 0, terminal).
 * No randomness at all: only the sticky action draws from the generator.
 *
 * Representation: each map is ten 10-bit row masks, bit c = column c.
 * Channels: cannon, alien, alien_left, alien_right (the alien channel again
 * on the channel of the wave's direction), friendly_bullet, enemy_bullet.
 */
#include "minatar.h"

#include <string.h>

#define SI_COOL_DOWN 5
#define SI_MOVE_INTERVAL 12
#define SI_MIN_INTERVAL 6
#define SI_SHOT_INTERVAL 10
#define ALL_COLS 0x3ffu
#define COL(c) (1u << (c))

struct space_invaders {
	uint16_t alien[MINATAR_GRID];  /* row masks */
	uint16_t bullet[MINATAR_GRID]; /* the cannon's bullets */
	uint16_t enemy[MINATAR_GRID];  /* the aliens' bullets */
	int pos;          /* the cannon's column */
	int dir;          /* -1 left, +1 right */
	int interval;     /* the current wave's move interval */
	int move_timer;   /* frames to the wave's next move */
	int shot_timer;   /* frames to the next alien shot */
	int cool_down;    /* frames until the cannon can fire again */
	int ramp_index;   /* waves cleared under ramping (MinAtar's difficulty_ramp) */
	int ramping;
	int terminal;
};

static void new_wave(struct space_invaders *s)
{
	for (int y = 0; y < 4; y++)
		s->alien[y] = 0xfcu; /* columns 2..7 */
}

static void si_reset(void *gs, struct mt19937 *rng, int ramping)
{
	struct space_invaders *s = gs;
	(void)rng;
	memset(s, 0, sizeof(*s));
	new_wave(s);
	s->pos = 5;
	s->dir = -1;
	s->interval = SI_MOVE_INTERVAL;
	s->move_timer = SI_MOVE_INTERVAL;
	s->shot_timer = SI_SHOT_INTERVAL;
	s->ramping = ramping;
}

static int aliens_alive(const struct space_invaders *s)
{
	int n = 0;
	for (int y = 0; y < MINATAR_GRID; y++)
		n += __builtin_popcount(s->alien[y]);
	return n;
}

static void move_wave(struct space_invaders *s)
{
	unsigned occupied = 0;
	for (int y = 0; y < MINATAR_GRID; y++)
		occupied |= s->alien[y];
	int at_wall = s->dir < 0 ? (occupied & COL(0)) != 0 : (occupied & COL(9)) != 0;
	if (at_wall) {
		s->dir = -s->dir;
		uint16_t bottom = s->alien[9];
		if (bottom)
			s->terminal = 1;
		memmove(s->alien + 1, s->alien, (MINATAR_GRID - 1) * sizeof(s->alien[0]));
		s->alien[0] = bottom; /* the rotation's wrap-around */
	} else {
		for (int y = 0; y < MINATAR_GRID; y++)
			s->alien[y] = s->dir < 0 ? (uint16_t)(s->alien[y] >> 1)
						 : (uint16_t)((s->alien[y] << 1) & ALL_COLS);
	}
}

/* The alien that shoots: nearest column to pos holding one (left first on a
 * tie), its lowest alien. Returns 0 when there is none. */
static int shooter(const struct space_invaders *s, int *row, int *col)
{
	unsigned occupied = 0;
	for (int y = 0; y < MINATAR_GRID; y++)
		occupied |= s->alien[y];
	for (int d = 0; d < MINATAR_GRID; d++) {
		int c = -1;
		if (s->pos - d >= 0 && (occupied & COL(s->pos - d)))
			c = s->pos - d;
		else if (s->pos + d < MINATAR_GRID && (occupied & COL(s->pos + d)))
			c = s->pos + d;
		if (c < 0)
			continue;
		for (int y = MINATAR_GRID - 1; y >= 0; y--)
			if (s->alien[y] & COL(c)) {
				*row = y;
				*col = c;
				return 1;
			}
	}
	return 0;
}

static void si_act(void *gs, struct mt19937 *rng, int a, int *reward, int *terminal)
{
	struct space_invaders *s = gs;
	(void)rng;
	*reward = 0;
	if (s->terminal) {
		*terminal = 1;
		return;
	}
	if (a == 5 && s->cool_down == 0) {
		s->bullet[9] |= COL(s->pos);
		s->cool_down = SI_COOL_DOWN;
	} else if (a == 1) {
		if (s->pos > 0)
			s->pos--;
	} else if (a == 3) {
		if (s->pos < 9)
			s->pos++;
	}

	memmove(s->bullet, s->bullet + 1, (MINATAR_GRID - 1) * sizeof(s->bullet[0]));
	s->bullet[9] = 0;
	memmove(s->enemy + 1, s->enemy, (MINATAR_GRID - 1) * sizeof(s->enemy[0]));
	s->enemy[0] = 0;
	unsigned cannon = COL(s->pos);
	if ((s->enemy[9] | s->alien[9]) & cannon)
		s->terminal = 1;

	if (s->move_timer == 0) {
		int n = aliens_alive(s);
		s->move_timer = n < s->interval ? n : s->interval;
		move_wave(s);
		if (s->alien[9] & cannon)
			s->terminal = 1;
	}
	if (s->shot_timer == 0) {
		int y, c;
		s->shot_timer = SI_SHOT_INTERVAL;
		if (shooter(s, &y, &c)) /* a wave is always on the grid here */
			s->enemy[y] |= (uint16_t)COL(c);
	}

	int hits = 0, left = 0;
	for (int y = 0; y < MINATAR_GRID; y++) {
		uint16_t k = s->alien[y] & s->bullet[y];
		hits += __builtin_popcount(k);
		s->alien[y] &= (uint16_t)~k;
		s->bullet[y] &= (uint16_t)~k;
		left |= s->alien[y];
	}
	*reward = hits;

	if (s->cool_down > 0)
		s->cool_down--;
	s->move_timer--;
	s->shot_timer--;
	if (!left) {
		if (s->ramping && s->interval > SI_MIN_INTERVAL) {
			s->interval--;
			s->ramp_index++;
		}
		new_wave(s);
	}
	*terminal = s->terminal;
}

enum { CH_CANNON, CH_ALIEN, CH_ALIEN_LEFT, CH_ALIEN_RIGHT, CH_BULLET, CH_ENEMY_BULLET, N_CH };

/* Sets channel c (and c2 when c2 >= 0) on every cell of row y in mask. */
static void render_row(uint8_t *grid, int y, unsigned mask, int c, int c2)
{
	while (mask) {
		int x = __builtin_ctz(mask);
		uint8_t *cell = grid + (y * MINATAR_GRID + x) * N_CH;
		cell[c] = 1;
		if (c2 >= 0)
			cell[c2] = 1;
		mask &= mask - 1;
	}
}

static void si_render(const void *gs, uint8_t *grid)
{
	const struct space_invaders *s = gs;
	int dir_ch = s->dir < 0 ? CH_ALIEN_LEFT : CH_ALIEN_RIGHT;
	for (int y = 0; y < MINATAR_GRID; y++) {
		render_row(grid, y, s->alien[y], CH_ALIEN, dir_ch);
		render_row(grid, y, s->bullet[y], CH_BULLET, -1);
		render_row(grid, y, s->enemy[y], CH_ENEMY_BULLET, -1);
	}
	grid[(9 * MINATAR_GRID + s->pos) * N_CH + CH_CANNON] = 1;
}

const struct minatar_game minatar_space_invaders = {
	.name = "space_invaders",
	.id = "SpaceInvaders",
	.channels = N_CH,
	.channel_names = { "cannon", "alien", "alien_left", "alien_right", "friendly_bullet",
			   "enemy_bullet" },
	.n_minimal = 4,
	.minimal_actions = { 0, 1, 3, 5 },
	.state_size = sizeof(struct space_invaders),
	.reset = si_reset,
	.act = si_act,
	.render = si_render,
};
