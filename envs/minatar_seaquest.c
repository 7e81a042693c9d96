/*
 * minatar_seaquest.c - MinAtar's Seaquest (Young & Tian 2019,
 * kenjyoung/MinAtar 1.0.15), written here from the game's rules; MinAtar
 * itself is GPL-3.0 and none of its code is in this file.
 *
 * The player's submarine is two cells (front, and back on the side it came
 * from), rows 0..8 (row 0 is the surface), starting at (row 0, column 5)
 * facing left with full oxygen (200) and no divers on board. One frame:
 *  1. Spawns. When its timer is up an enemy appears at the left edge moving
 *     right or the right edge moving left (rand() < 1/2 picks right), a
 *     submarine with probability 1/3 (rand() < 1/3) else a fish, on a row
 *     randint(1, 9); the draws are made even when the enemy is then dropped
 *     because its row already holds an enemy going the other way. Every 30
 *     frames a diver appears the same way (rand() < 1/2, randint(1, 9)).
 *  2. The player fires (cool-down 5; a torpedo leaves from the front cell in
 *     the facing direction) or moves one cell (left/right also turn it).
 *  3. Torpedoes move one cell; leaving the grid removes one, reaching a fish
 *     (else a submarine) removes both, +1.
 *  4. Divers move one cell every 6 frames; a diver on the player's cell is
 *     picked up (before or after its move) while fewer than 6 are on board.
 *  5. Enemy submarines move one cell every move_interval + 1 frames (the
 *     interval set at each move); one already on or arriving on the player
 *     ends the episode, one arriving on a torpedo dies with it (+1). Every 11
 *     frames each fires a bullet from its cell, in its direction, even a
 *     submarine that just died or left the grid this frame (a quirk).
 *  6. Enemy bullets move one cell per frame; on the player before or after
 *     the move ends the episode.
 *  7. Fish as submarines, without shooting.
 *  8. Timers count down. Oxygen at 0 or below ends the episode (checked
 *     before this frame's use, so it shows 0 for a frame). Under water
 *     oxygen drops by 1. Arriving at the surface (the first frame at row 0
 *     after being under) with no diver on board ends the episode; otherwise
 *     it refills oxygen and takes one diver off, or with 6 on board gives
 *     oxygen * 10 / 200 reward and takes all six off, then one more: the
 *     count goes to -1 (a quirk kept on purpose: with a negative count the
 *     player may surface again without dying, each time one lower). With
 *     difficulty ramping each surfacing shortens the enemy spawn interval
 *     (20 at the start, down to 1) and every second one the move interval
 *     (5 at the start, down to 2).
 * The episode runs to the end of the frame after a terminal condition;
 * acting on a finished episode changes nothing (reward 0, terminal).
 *
 * Every list keeps the order in which its entries appeared, and each is
 * walked as MinAtar walks it (from the newest for the moves, from the
 * oldest to find what a torpedo hits), since which of two enemies sharing
 * a cell dies first changes what happens next.
 *
 * Channels: sub_front, sub_back, friendly_bullet, trail (the cell behind
 * each enemy and diver), enemy_bullet, enemy_fish, enemy_sub, oxygen_guage
 * (row 9, one cell per 20 oxygen from the left), diver_guage (row 9, one
 * cell per diver, ending at column 8), diver.
 */
#include "minatar.h"

#include <string.h>

#define SQ_MAX_OXYGEN 200
#define SQ_SPAWN_INTERVAL 20
#define SQ_DIVER_INTERVAL 30
#define SQ_MOVE_INTERVAL 5
#define SQ_COOL_DOWN 5
#define SQ_SHOT_INTERVAL 10
#define SQ_DIVER_MOVE 5
#define SQ_MAX_DIVERS 6

/* Capacities. At most one enemy appears per frame and each leaves the grid
 * within 60 frames (10 moves, at most 6 frames apart), so at most 60 fish
 * and submarines exist; each submarine fires once in 11 frames and a bullet
 * lasts at most 11, so enemy bullets stay below 72; torpedoes (one per 5
 * frames, at most 10 frames long) and divers (one per 30 frames, at most 60
 * frames long) stay below 4. */
#define SQ_CAP_ENEMY 64
#define SQ_CAP_EBULLET 128
#define SQ_CAP_SMALL 8

struct sq_thing {
	int8_t x, y;
	int8_t right;      /* moving towards column 9 */
	int8_t move_timer; /* frames until its next move (not for bullets) */
	int8_t shot_timer; /* enemy submarines only */
};

struct seaquest {
	struct sq_thing fish[SQ_CAP_ENEMY], subs[SQ_CAP_ENEMY], ebullets[SQ_CAP_EBULLET];
	struct sq_thing torpedoes[SQ_CAP_SMALL], divers[SQ_CAP_SMALL];
	int n_fish, n_subs, n_ebullets, n_torpedoes, n_divers;
	int x, y, right;     /* the player */
	int oxygen;
	int on_board;        /* divers carried; may go negative (see above) */
	int spawn_interval;  /* the current enemy spawn interval */
	int spawn_timer, diver_timer;
	int move_interval;   /* the current enemy move interval */
	int cool_down;
	int ramp_index;      /* surfacings under ramping (MinAtar's difficulty_ramp) */
	int at_surface;      /* already surfaced: staying at row 0 does nothing */
	int ramping;
	int terminal;
};

static void sq_reset(void *gs, struct mt19937 *rng, int ramping)
{
	struct seaquest *s = gs;
	(void)rng;
	memset(s, 0, sizeof(*s));
	s->x = 5;
	s->oxygen = SQ_MAX_OXYGEN;
	s->spawn_interval = SQ_SPAWN_INTERVAL;
	s->spawn_timer = SQ_SPAWN_INTERVAL;
	s->diver_timer = SQ_DIVER_INTERVAL;
	s->move_interval = SQ_MOVE_INTERVAL;
	s->at_surface = 1;
	s->ramping = ramping;
}

/* Removes list[i], keeping the order of the rest. */
static void drop(struct sq_thing *list, int *n, int i)
{
	memmove(list + i, list + i + 1, (size_t)(*n - i - 1) * sizeof(*list));
	(*n)--;
}

static void add(struct sq_thing *list, int *n, int cap, struct sq_thing t)
{
	if (*n < cap) /* always (see the capacities) */
		list[(*n)++] = t;
}

/* The first (oldest) entry of list on cell (x, y), or -1. */
static int find_at(const struct sq_thing *list, int n, int x, int y)
{
	for (int i = 0; i < n; i++)
		if (list[i].x == x && list[i].y == y)
			return i;
	return -1;
}

static int off_grid(const struct sq_thing *t)
{
	return t->x < 0 || t->x > 9;
}

static void step_x(struct sq_thing *t)
{
	t->x += t->right ? 1 : -1;
}

static void spawn_enemy(struct seaquest *s, struct mt19937 *rng)
{
	int right = mt19937_rand(rng) < 0.5;
	int is_sub = mt19937_rand(rng) < 1.0 / 3.0;
	int y = (int)mt19937_randint(rng, 1, 9);
	for (int i = 0; i < s->n_subs; i++)
		if (s->subs[i].y == y && s->subs[i].right != right)
			return;
	for (int i = 0; i < s->n_fish; i++)
		if (s->fish[i].y == y && s->fish[i].right != right)
			return;
	struct sq_thing t = { (int8_t)(right ? 0 : 9), (int8_t)y, (int8_t)right,
			      (int8_t)s->move_interval, SQ_SHOT_INTERVAL };
	if (is_sub)
		add(s->subs, &s->n_subs, SQ_CAP_ENEMY, t);
	else
		add(s->fish, &s->n_fish, SQ_CAP_ENEMY, t);
}

static void spawn_diver(struct seaquest *s, struct mt19937 *rng)
{
	int right = mt19937_rand(rng) < 0.5;
	int y = (int)mt19937_randint(rng, 1, 9);
	struct sq_thing t = { (int8_t)(right ? 0 : 9), (int8_t)y, (int8_t)right, SQ_DIVER_MOVE, 0 };
	add(s->divers, &s->n_divers, SQ_CAP_SMALL, t);
}

static int on_player(const struct seaquest *s, const struct sq_thing *t)
{
	return t->x == s->x && t->y == s->y;
}

static int move_torpedoes(struct seaquest *s)
{
	int hits = 0;
	for (int i = s->n_torpedoes - 1; i >= 0; i--) {
		struct sq_thing *b = &s->torpedoes[i];
		step_x(b);
		if (off_grid(b)) {
			drop(s->torpedoes, &s->n_torpedoes, i);
			continue;
		}
		int j = find_at(s->fish, s->n_fish, b->x, b->y);
		if (j >= 0) {
			drop(s->fish, &s->n_fish, j);
		} else {
			j = find_at(s->subs, s->n_subs, b->x, b->y);
			if (j < 0)
				continue;
			drop(s->subs, &s->n_subs, j);
		}
		drop(s->torpedoes, &s->n_torpedoes, i);
		hits++;
	}
	return hits;
}

static void move_divers(struct seaquest *s)
{
	for (int i = s->n_divers - 1; i >= 0; i--) {
		struct sq_thing *d = &s->divers[i];
		if (on_player(s, d) && s->on_board < SQ_MAX_DIVERS) {
			drop(s->divers, &s->n_divers, i);
			s->on_board++;
		} else if (d->move_timer == 0) {
			d->move_timer = SQ_DIVER_MOVE;
			step_x(d);
			if (off_grid(d)) {
				drop(s->divers, &s->n_divers, i);
			} else if (on_player(s, d) && s->on_board < SQ_MAX_DIVERS) {
				drop(s->divers, &s->n_divers, i);
				s->on_board++;
			}
		} else {
			d->move_timer--;
		}
	}
}

/* One enemy's move (fish or submarine, list[i]); returns the reward (a
 * torpedo hit). *last is the enemy after its move, kept even when it has
 * left the list; returns with *alive 0 then. */
static int move_enemy(struct seaquest *s, struct sq_thing *list, int *n, int i,
		      struct sq_thing *last, int *alive)
{
	struct sq_thing *e = &list[i];
	*alive = 1;
	if (on_player(s, e))
		s->terminal = 1;
	if (e->move_timer != 0) {
		e->move_timer--;
		*last = *e;
		return 0;
	}
	e->move_timer = (int8_t)s->move_interval;
	step_x(e);
	*last = *e;
	if (off_grid(e)) {
		drop(list, n, i);
		*alive = 0;
		return 0;
	}
	if (on_player(s, e)) {
		s->terminal = 1;
		return 0;
	}
	int j = find_at(s->torpedoes, s->n_torpedoes, e->x, e->y);
	if (j < 0)
		return 0;
	drop(list, n, i);
	drop(s->torpedoes, &s->n_torpedoes, j);
	*alive = 0;
	return 1;
}

static int move_subs(struct seaquest *s)
{
	int hits = 0;
	for (int i = s->n_subs - 1; i >= 0; i--) {
		struct sq_thing sub;
		int alive;
		hits += move_enemy(s, s->subs, &s->n_subs, i, &sub, &alive);
		/* the shot comes even from a submarine gone this frame */
		if (sub.shot_timer == 0) {
			struct sq_thing b = { sub.x, sub.y, sub.right, 0, 0 };
			add(s->ebullets, &s->n_ebullets, SQ_CAP_EBULLET, b);
			if (alive)
				s->subs[i].shot_timer = SQ_SHOT_INTERVAL;
		} else if (alive) {
			s->subs[i].shot_timer--;
		}
	}
	return hits;
}

static void move_ebullets(struct seaquest *s)
{
	for (int i = s->n_ebullets - 1; i >= 0; i--) {
		struct sq_thing *b = &s->ebullets[i];
		if (on_player(s, b))
			s->terminal = 1;
		step_x(b);
		if (off_grid(b))
			drop(s->ebullets, &s->n_ebullets, i);
		else if (on_player(s, b))
			s->terminal = 1;
	}
}

static int move_fish(struct seaquest *s)
{
	int hits = 0, alive;
	struct sq_thing last;
	for (int i = s->n_fish - 1; i >= 0; i--)
		hits += move_enemy(s, s->fish, &s->n_fish, i, &last, &alive);
	return hits;
}

/* Arriving at the surface with someone on board (on_board != 0). */
static int surface(struct seaquest *s)
{
	int reward = 0;
	s->at_surface = 1;
	if (s->on_board == SQ_MAX_DIVERS) {
		s->on_board = 0;
		reward = s->oxygen * 10 / SQ_MAX_OXYGEN; /* oxygen >= 0 here */
	}
	s->oxygen = SQ_MAX_OXYGEN;
	s->on_board--;
	if (s->ramping && (s->spawn_interval > 1 || s->move_interval > 2)) {
		if (s->move_interval > 2 && s->ramp_index % 2)
			s->move_interval--;
		if (s->spawn_interval > 1)
			s->spawn_interval--;
		s->ramp_index++;
	}
	return reward;
}

static void sq_act(void *gs, struct mt19937 *rng, int a, int *reward, int *terminal)
{
	struct seaquest *s = gs;
	*reward = 0;
	if (s->terminal) {
		*terminal = 1;
		return;
	}
	if (s->spawn_timer == 0) {
		spawn_enemy(s, rng);
		s->spawn_timer = s->spawn_interval;
	}
	if (s->diver_timer == 0) {
		spawn_diver(s, rng);
		s->diver_timer = SQ_DIVER_INTERVAL;
	}

	switch (a) {
	case 5:
		if (s->cool_down == 0) {
			struct sq_thing b = { (int8_t)s->x, (int8_t)s->y, (int8_t)s->right, 0, 0 };
			add(s->torpedoes, &s->n_torpedoes, SQ_CAP_SMALL, b);
			s->cool_down = SQ_COOL_DOWN;
		}
		break;
	case 1:
		if (s->x > 0)
			s->x--;
		s->right = 0;
		break;
	case 3:
		if (s->x < 9)
			s->x++;
		s->right = 1;
		break;
	case 2:
		if (s->y > 0)
			s->y--;
		break;
	case 4:
		if (s->y < 8)
			s->y++;
		break;
	}

	int r = move_torpedoes(s);
	move_divers(s);
	r += move_subs(s);
	move_ebullets(s);
	r += move_fish(s);

	if (s->spawn_timer > 0)
		s->spawn_timer--;
	if (s->diver_timer > 0)
		s->diver_timer--;
	if (s->cool_down > 0)
		s->cool_down--;
	if (s->oxygen <= 0)
		s->terminal = 1;
	if (s->y > 0) {
		s->oxygen--;
		s->at_surface = 0;
	} else if (!s->at_surface) {
		if (s->on_board == 0)
			s->terminal = 1;
		else
			r += surface(s);
	}
	*reward = r;
	*terminal = s->terminal;
}

enum {
	CH_SUB_FRONT, CH_SUB_BACK, CH_TORPEDO, CH_TRAIL, CH_ENEMY_BULLET, CH_FISH, CH_ENEMY_SUB,
	CH_OXYGEN, CH_DIVER_GAUGE, CH_DIVER, N_CH
};

#define CELL(grid, y, x, c) (grid)[((y) * MINATAR_GRID + (x)) * N_CH + (c)]

/* Marks each entry's cell on channel c, and the cell behind it on the trail. */
static void render_list(uint8_t *grid, const struct sq_thing *list, int n, int c, int trail)
{
	for (int i = 0; i < n; i++) {
		const struct sq_thing *t = &list[i];
		CELL(grid, t->y, t->x, c) = 1;
		int back = t->right ? t->x - 1 : t->x + 1;
		if (trail && back >= 0 && back <= 9)
			CELL(grid, t->y, back, CH_TRAIL) = 1;
	}
}

static void sq_render(const void *gs, uint8_t *grid)
{
	const struct seaquest *s = gs;
	CELL(grid, s->y, s->x, CH_SUB_FRONT) = 1;
	/* The back cell is always on the grid (turning at a wall moves off it);
	 * -1 would be column 9 in numpy's indexing. */
	int back = s->right ? s->x - 1 : s->x + 1;
	CELL(grid, s->y, back < 0 ? back + 10 : back, CH_SUB_BACK) = 1;
	int o = s->oxygen > 0 ? s->oxygen * 10 / SQ_MAX_OXYGEN : 0;
	for (int x = 0; x < o; x++)
		CELL(grid, 9, x, CH_OXYGEN) = 1;
	for (int x = 9 - s->on_board; x < 9; x++) /* none when the count is <= 0 */
		CELL(grid, 9, x, CH_DIVER_GAUGE) = 1;
	render_list(grid, s->torpedoes, s->n_torpedoes, CH_TORPEDO, 0);
	render_list(grid, s->ebullets, s->n_ebullets, CH_ENEMY_BULLET, 0);
	render_list(grid, s->fish, s->n_fish, CH_FISH, 1);
	render_list(grid, s->subs, s->n_subs, CH_ENEMY_SUB, 1);
	render_list(grid, s->divers, s->n_divers, CH_DIVER, 1);
}

const struct minatar_game minatar_seaquest = {
	.name = "seaquest",
	.id = "Seaquest",
	.channels = N_CH,
	.channel_names = { "sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet",
			   "enemy_fish", "enemy_sub", "oxygen_guage", "diver_guage", "diver" },
	.n_minimal = 6,
	.minimal_actions = { 0, 1, 2, 3, 4, 5 },
	.state_size = sizeof(struct seaquest),
	.reset = sq_reset,
	.act = sq_act,
	.render = sq_render,
};
