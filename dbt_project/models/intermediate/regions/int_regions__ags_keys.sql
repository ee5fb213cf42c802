-- 8-digit Gemeinde keys (AGS, as statistical tables publish them) → 12-digit ARS, for today's
-- Gemeinden and for keys that ended (the AGS of an ended key is that of its Gemeinde).
with

current_keys as (
    select * from {{ ref('int_regions__current_keys') }}
),

final as (
    select
        left(ars, 5) || right(ars, 3) as ags,
        -- an AGS whose Gemeinde changed Amt has two keys: the one of today's territory
        first(current_ars order by is_ended) as ars,
    from current_keys
    group by 1
)

select * from final
