package dev.keymint.server.admin;

import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One page of an admin listing: {@code {"items": [...], "next_cursor": "..."}}, the cursor left out
 * on the last page. Every listing fetches one row more than the page holds, so that it knows
 * whether another page follows without counting.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Page<T>(List<T> items, String nextCursor) {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;

    /**
     * @param fetched up to {@code size + 1} rows, in listing order
     * @param cursor  the cursor that continues after a row
     */
    static <R, T> Page<T> of(List<R> fetched, int size, Function<R, T> view, Function<R, String> cursor) {
        return new Page<>(fetched.stream().limit(size).map(view).toList(),
                fetched.size() > size ? cursor.apply(fetched.get(size - 1)) : null);
    }

    /** The {@code limit} query parameter: 1 to {@value #MAX_SIZE}, {@value #DEFAULT_SIZE} when absent. */
    static int size(String limit) {
        if (limit == null) {
            return DEFAULT_SIZE;
        }
        if (!limit.matches("[0-9]{1,3}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_SIZE) {
            throw AdminProblem.badRequest("limit must be an integer from 1 to " + MAX_SIZE);
        }
        return Integer.parseInt(limit);
    }
}
