-- The indicator catalogue with the licences of its sources.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

with_lists as (
    select
        *,
        string_split(source_ids, '|') as source_id_list,
        string_split(levels, '|') as level_list,
    from catalogue
),

exploded as (
    select indicator_id, unnest(source_id_list) as source_id, from with_lists
),

licences as (
    select
        exploded.indicator_id,
        list_sort(list_distinct(list(sources.licence))) as licences,
    from exploded
    inner join sources using (source_id)
    group by all
),

final as (
    select
        with_lists.indicator_id,
        with_lists.name_de,
        with_lists.domain,
        with_lists.unit,
        with_lists.definition_de,
        with_lists.source_id_list[1] as source_id,
        with_lists.period_type,
        with_lists.direction,
        with_lists.frequency,
        with_lists.formula_de,
        with_lists.level_list as levels,
        with_lists.source_id_list as source_ids,
        licences.licences,
        with_lists.sdg_goal,
        with_lists.is_personal,
        with_lists.numerator_indicator_id,
    from with_lists
    left join licences using (indicator_id)
)

select * from final
