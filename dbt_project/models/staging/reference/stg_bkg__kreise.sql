{{ stg_bkg_units('kreise') }}
