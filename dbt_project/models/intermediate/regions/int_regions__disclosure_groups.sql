-- Additive groups for disclosure control: each total and the members that sum to it, as a tree.
-- Land = Kooperationsraum + the Kreise outside it; Kooperationsraum = its five units;
-- Kreis = its Ämter/amtsfreie Gemeinden; Amt = its Gemeinden. Because the Kooperationsraum is a
-- member of the Land group, "Land minus Kooperationsraum" is protected like any other total.
with

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
),

final as (
    select
        coalesce(units.cooperation_ars, regions.parent_ars) as total_ars,
        regions.ars as member_ars,
        regions.level as member_level,
    from regions
    left join units on units.unit_ars = regions.ars
    where regions.parent_ars is not null
)

select * from final
